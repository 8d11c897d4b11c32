package io.tollgate.core.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.OneAtATime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the ledger's rows older than {@code state.retention}: without it {@code gateway_requests} grows by a row a
 * request for ever (86 M rows a day at 1000 req/s). Only whole UTC hours go, and only rows: the hourly rollup keeps
 * every hour, so budgets and spend reports by key, team, user, alias and model still count them; what reads rows alone
 * (reports by tag, a report's partial hours at its edges) sees the retained period only.
 *
 * <p>A run deletes in chunks ({@link #CHUNK} rows), each its own short transaction, and rests between chunks as long
 * as the chunk took: SQLite has a single writer, and the ledger's flush must get the lock between two chunks rather
 * than wait out a whole backlog (the first run after retention is switched on can meet millions of rows).
 */
public final class LedgerRetention implements AutoCloseable {

    static final int CHUNK = 10_000;
    private static final Duration EVERY = Duration.ofMinutes(15);
    private static final Duration FIRST = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(LedgerRetention.class);

    private final LedgerDatabase db;
    private final Clock clock;
    private final String delete;
    private final int chunk;
    private final Counter pruned;
    private final OneAtATime backgroundRun;
    private final ScheduledFuture<?> timer;
    private volatile @Nullable Duration retention;
    private volatile boolean closed;

    LedgerRetention(LedgerDatabase db, Clock clock, Executor blocking, ScheduledExecutorService scheduler, MeterRegistry registry,
                    int chunk) {
        this.db = db;
        this.chunk = chunk;
        this.clock = clock;
        this.backgroundRun = new OneAtATime(blocking, this::prune);
        // Neither database deletes with a LIMIT portably: a chunk is picked by the row's physical id. PostgreSQL's
        // ctid = ANY(ARRAY(...)) is a TID scan; ctid IN (SELECT ...) would be a join.
        this.delete = db.isSqlite()
                ? "DELETE FROM gateway_requests WHERE rowid IN (SELECT rowid FROM gateway_requests WHERE ts_ms < ? LIMIT ?)"
                : "DELETE FROM gateway_requests WHERE ctid = ANY(ARRAY(SELECT ctid FROM gateway_requests WHERE ts_ms < ? LIMIT ?))";
        this.pruned = Counter.builder("gateway.ledger.pruned").description("Ledger rows deleted because they were older than state.retention")
                .register(registry);
        this.timer = scheduler.scheduleWithFixedDelay(backgroundRun::trigger, FIRST.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The process-wide pruner of the ledger's database, set to this config's {@code state.retention} (a reload changes it). */
    public static LedgerRetention shared(FilterServices services, GatewayConfig config) {
        LedgerDatabase db = LedgerDatabase.shared(services, config);
        LedgerRetention retention = services.shared(LedgerRetention.class, () -> new LedgerRetention(db, services.clock(),
                services.blockingExecutor(), services.scheduler(), services.meterRegistry(), CHUNK));
        retention.retain(config.state().retention());
        return retention;
    }

    /** Rows older than {@code retention} go at the next run; null keeps them all. */
    public void retain(@Nullable Duration retention) {
        this.retention = retention;
    }

    @Nullable Duration retention() {
        return retention;
    }

    /**
     * Deletes every row of a whole hour that ended {@code retention} ago or earlier, on the calling thread (blocking).
     * Returns the rows deleted; 0 without a retention.
     */
    synchronized long prune() {
        Duration keep = retention;
        if (keep == null || closed) {
            return 0;
        }
        long cutoff = HourlySpend.hourOf(clock.millis() - keep.toMillis());
        long started = System.nanoTime();
        long total = 0;
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(delete)) {
            ps.setLong(1, cutoff);
            ps.setInt(2, chunk);
            int n;
            do {
                long chunkStarted = System.nanoTime();
                n = ps.executeUpdate();
                total += n;
                pruned.increment(n);
                if (n == chunk) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(TimeUnit.MILLISECONDS.toNanos(10), System.nanoTime() - chunkStarted));
                }
            } while (n == chunk && !closed);
        } catch (SQLException e) {
            log.warn("Ledger retention: deleting rows older than {} failed after {} rows (next try in {}): {}", keep, total, EVERY, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (total > 0) {
            log.info("Ledger retention: deleted {} rows older than {} in {} ms", total, keep,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        return total;
    }

    /** Stops the timer and waits for a run in progress to end its chunk. Does not close the database. */
    @Override
    public void close() {
        closed = true;
        timer.cancel(false);
        synchronized (this) {
            // a run in progress has ended its current chunk and stopped
        }
    }
}
