package io.tollgate.core.filter;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A background task handed to an executor at most once at a time: a {@link #trigger()} while a run is queued or
 * under way does nothing, so timers and event loops may trigger freely without piling up runs behind a slow one
 * (a ledger flush, a store probe waiting on a connection).
 */
public final class OneAtATime {

    private final Executor executor;
    private final Runnable task;
    private final AtomicBoolean underway = new AtomicBoolean();

    public OneAtATime(Executor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    /** Hands the task to the executor unless a run is queued or under way; never blocks. */
    public void trigger() {
        if (!underway.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    underway.set(false);
                }
            });
        } catch (RuntimeException e) { // executor shut down: nothing runs, and a later trigger may try again
            underway.set(false);
        }
    }

    /** Whether a run is queued or under way (a cheap check before {@link #trigger()} on a hot path). */
    public boolean underway() {
        return underway.get();
    }
}
