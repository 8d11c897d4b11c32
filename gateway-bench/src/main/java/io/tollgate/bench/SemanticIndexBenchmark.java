package io.tollgate.bench;

import io.tollgate.core.cache.SemanticIndex;
import io.tollgate.core.filter.Ticker;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One semantic cache lookup: the exact scan of a context's bucket for the most similar question.
 * {@code size} vectors of {@code dims} dimensions in one context (the worst case: every question
 * asked in the same conversation, e.g. single-turn questions under one system prompt); 384 is
 * all-MiniLM-L6-v2, 1536 OpenAI's text-embedding-3-small. Random unit vectors: a scan's cost does not
 * depend on the values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SemanticIndexBenchmark {

    @Param({"384", "1536"})
    int dims;

    @Param({"100", "1000", "2000", "10000"})
    int size;

    private SemanticIndex index;
    private float[] query;

    @Setup
    public void setUp() {
        index = new SemanticIndex(Long.MAX_VALUE / 2, Integer.MAX_VALUE / 2, size, Ticker.system());
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < size; i++) {
            index.put("context", unit(random), "answer-" + i, Duration.ofHours(1));
        }
        query = unit(random);
    }

    private float[] unit(SplittableRandom random) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return SemanticIndex.normalize(v);
    }

    @Benchmark
    public SemanticIndex.Nearest nearest() {
        return index.nearest("context", query);
    }
}
