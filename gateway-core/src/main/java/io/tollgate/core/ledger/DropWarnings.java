package io.tollgate.core.ledger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When to warn about dropped rows: at the first drop, then at most once per interval, with the count since
 * the last warning. A stuck database drops a row per request, on the event loops, and a line each would
 * flood the (synchronous) application log; {@code gateway_ledger_dropped_total} counts every one.
 */
final class DropWarnings {

    private static final long NEVER = Long.MIN_VALUE;

    private final long intervalNanos;
    private final AtomicLong lastWarning = new AtomicLong(NEVER);
    private final AtomicLong unreported = new AtomicLong();

    DropWarnings(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** Records a drop at {@code nowNanos}; returns the drops to report in a warning now, or 0 to stay quiet. */
    long dropped(long nowNanos) {
        unreported.incrementAndGet();
        long last = lastWarning.get();
        boolean due = last == NEVER || nowNanos - last >= intervalNanos;
        return due && lastWarning.compareAndSet(last, nowNanos) ? unreported.getAndSet(0) : 0;
    }
}
