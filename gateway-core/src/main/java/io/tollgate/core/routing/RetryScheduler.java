package io.tollgate.core.routing;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a retry later without blocking anyone; the router hops back to the request's event loop itself. */
@FunctionalInterface
public interface RetryScheduler {

    void schedule(long delayNanos, Runnable task);

    static RetryScheduler of(ScheduledExecutorService scheduler) {
        return (delayNanos, task) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
