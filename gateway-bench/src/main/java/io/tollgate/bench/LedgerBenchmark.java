package io.tollgate.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.ledger.LedgerRow;
import io.tollgate.core.ledger.LedgerWriter;
import io.tollgate.core.model.TokenUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQLite ledger's cost per served request: one batch of 500 rows (the writer's batch) queued and
 * committed, with the hourly rollup, into a file database that keeps growing, as in the load test. At
 * saturation the writer is the largest user of CPU outside the event loops (docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LedgerBenchmark {

    private static final int BATCH = 500;

    private Path dir;
    private LedgerDatabase db;
    private LedgerWriter writer;
    private ScheduledExecutorService timer;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("tollgate-ledger-jmh");
        db = LedgerDatabase.open("sqlite:" + dir.resolve("gateway.db"));
        timer = Executors.newSingleThreadScheduledExecutor();
        // flushes only when the benchmark calls flush(): the writer's own trigger (a full batch) goes to an executor that drops it
        writer = new LedgerWriter(db, task -> { }, timer, Duration.ofHours(1), LedgerWriter.DEFAULT_CAPACITY, new SimpleMeterRegistry());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        timer.shutdownNow();
        db.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Time per row: 500 rows queued as the event loops queue them, then written in one transaction. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int writeBatch() {
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            long n = sequence++;
            writer.enqueue(new LedgerRow(Instant.ofEpochMilli(now), "chatcmpl-bench-" + n, "bench", "bench", null, Map.of(),
                    "gpt-4o-mini", "mock-upstream", "gpt-4o-mini", null, null, null, TokenUsage.of(40, 12),
                    0.0000132, true, 0, 1, null, 200, null, "none", 1));
        }
        return writer.flush();
    }
}
