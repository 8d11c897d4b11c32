package io.tollgate.core.filter;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** What the gateway lends its filters. One instance for the life of the process. */
public interface FilterServices {

    MeterRegistry meterRegistry();

    /** Monotonic time for durations. */
    Ticker ticker();

    /** Wall-clock time (UTC) for budget periods, expiry and ledger rows. */
    Clock clock();

    /**
     * A process-wide singleton of {@code type}, made by {@code factory} on first use. It survives
     * config reloads (so counters, spend and cache entries do) and is closed at shutdown, in reverse
     * order of creation, if it is {@link AutoCloseable}.
     */
    <T> T shared(Class<T> type, Supplier<? extends T> factory);

    /**
     * The shared service of {@code type} if one was made, else null; nothing is created. For a feature
     * switched off by a reload that must stop what an earlier version started (tracing's exporter).
     */
    <T> @Nullable T existing(Class<T> type);

    /** For blocking work (JDBC, files, webhooks): never run it on an event loop. */
    Executor blockingExecutor();

    /** For timers (flush intervals, alert retries); tasks must be short and non-blocking. */
    ScheduledExecutorService scheduler();

    /**
     * Runs requests through the gateway itself, on behalf of the request being served (the semantic
     * cache's embeddings). {@link GatewayClient#UNAVAILABLE} until a server provides one.
     */
    default GatewayClient gatewayClient() {
        return GatewayClient.UNAVAILABLE;
    }
}
