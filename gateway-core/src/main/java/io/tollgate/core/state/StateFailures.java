package io.tollgate.core.state;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.RootCause;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a limit or budget does when its shared store fails: {@code state.on-redis-error: open}
 * serves the request, {@code closed} answers 503. Counts {@code gateway.state.errors{store}} and logs
 * at most once per 10 seconds per store so an outage does not flood the log.
 */
public final class StateFailures {

    private static final Logger log = LoggerFactory.getLogger(StateFailures.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final String store;
    private final StateConfig.FailMode mode;
    private final Counter errors;
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    public StateFailures(String store, StateConfig.FailMode mode, MeterRegistry registry) {
        this.store = store;
        this.mode = mode;
        this.errors = Counter.builder("gateway.state.errors")
                .description("Failed calls to the shared limit/budget store")
                .tag("store", store)
                .register(registry);
    }

    public boolean failOpen() {
        return mode == StateConfig.FailMode.OPEN;
    }

    /** Records a failure; returns the error to answer with, or null to serve the request anyway. */
    public GatewayError onError(Throwable error) {
        errors.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            log.warn("{} store unreachable ({}); failing {} (state.on-redis-error)", store, rootMessage(error),
                    failOpen() ? "open: requests are served unlimited" : "closed: requests get 503");
        }
        return failOpen() ? null : GatewayError.of(ErrorCode.STATE_UNAVAILABLE,
                "The gateway's shared " + store + " state is unavailable; try again shortly.");
    }

    private static String rootMessage(Throwable t) {
        Throwable c = RootCause.of(t);
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
