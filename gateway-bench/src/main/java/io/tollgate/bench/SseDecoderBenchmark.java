package io.tollgate.bench;

import io.tollgate.core.provider.SseDecoder;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** SSE framing of a whole 24-event chat stream (7.2 kB): the per-chunk cost of the streaming path. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseDecoderBenchmark {

    private final byte[] stream = MockUpstream.resource("chat-completion-stream.sse");

    @Benchmark
    public void decodeWholeStream(Blackhole bh) {
        SseDecoder decoder = new SseDecoder();
        decoder.feed(ByteBuffer.wrap(stream), (event, data) -> bh.consume(data));
        decoder.end((event, data) -> bh.consume(data));
    }
}
