package io.tollgate.core.ledger;

import io.tollgate.core.filter.FilterServices;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic re-read of what other replicas wrote to the ledger database (admin-created keys, prompt label
 * moves). A failed read keeps what was loaded; it is logged once, and again when a read works again, so an
 * outage of the database logs two lines, not one every few seconds.
 */
public final class ReplicaReads {

    private static final Logger log = LoggerFactory.getLogger(ReplicaReads.class);

    private final String what;
    private boolean failing;   // guarded by this

    /** {@code what}: what is read, for the log ("virtual keys"). */
    public ReplicaReads(String what) {
        this.what = what;
    }

    /** Runs {@code refresh} on the blocking executor every {@code interval}, for the life of {@code services}. */
    public static void every(FilterServices services, Duration interval, Runnable refresh) {
        long ms = interval.toMillis();
        services.scheduler().scheduleWithFixedDelay(() -> services.blockingExecutor().execute(refresh), ms, ms, TimeUnit.MILLISECONDS);
    }

    /** What {@code read} returns (blocking), or null when it failed. */
    public synchronized <T> @Nullable T read(Callable<T> read) {
        T result;
        try {
            result = read.call();
        } catch (Exception e) {
            if (!failing) {
                log.warn("Re-reading {} from the database failed; keeping the ones loaded: {}", what, e.getMessage());
                failing = true;
            }
            return null;
        }
        if (failing) {
            log.info("Re-reading {} from the database works again", what);
            failing = false;
        }
        return result;
    }
}
