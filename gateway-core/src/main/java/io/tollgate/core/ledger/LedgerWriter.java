package io.tollgate.core.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.OneAtATime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ledger rows off the request path. {@link #enqueue} runs on event loops: a lock-free bounded queue,
 * never blocking; a full queue drops the row and counts {@code gateway.ledger.dropped}. A timer moves the
 * queue to the database every {@code state.flush-interval} in batched inserts on the blocking executor, each batch
 * added to the hourly rollup ({@link HourlySpend}) in its own transaction. A full batch does not wait for the timer:
 * at tens of thousands of requests a second, rows held for a whole interval outlive young collections and are
 * promoted, and the old generation (the process's RSS) grows with the request rate.
 * {@link #close()} writes everything still queued (the SIGTERM path), so only a kill -9 loses rows, at most
 * one flush interval's worth. A failed batch stays pending and is retried on the next flush.
 */
public final class LedgerWriter implements AutoCloseable {

    public static final int DEFAULT_CAPACITY = 100_000;
    private static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

    static final String INSERT = "INSERT INTO gateway_requests (ts_ms, request_id, key_id, team, user_id, tags, alias, provider,"
            + " upstream_model, prompt_id, prompt_version, prompt_hash, input_tokens, output_tokens, cache_read_tokens,"
            + " cache_write_tokens, reasoning_tokens, cost_usd, priced, cost_saved_usd, latency_ms, ttft_ms, status, error_code,"
            + " cache_status, attempts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private final LedgerDatabase db;
    private final int capacity;
    private final ConcurrentLinkedQueue<LedgerRow> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Rows taken from the queue but not yet committed; touched only under {@code this}. */
    private final List<LedgerRow> pending = new ArrayList<>();
    private final OneAtATime backgroundFlush;
    private final DropWarnings dropWarnings = new DropWarnings(Duration.ofSeconds(10));
    private final Counter dropped;
    private final Counter written;
    private final ScheduledFuture<?> timer;
    private volatile boolean closed;

    public LedgerWriter(LedgerDatabase db, Executor blocking, ScheduledExecutorService scheduler, Duration flushInterval,
                        int capacity, MeterRegistry registry) {
        this.db = db;
        this.backgroundFlush = new OneAtATime(blocking, this::flush);
        this.capacity = capacity;
        this.dropped = Counter.builder("gateway.ledger.dropped").description("Ledger rows dropped because the write queue was full")
                .register(registry);
        this.written = Counter.builder("gateway.ledger.written").description("Ledger rows committed").register(registry);
        Gauge.builder("gateway.ledger.queued", queued, AtomicInteger::get).description("Ledger rows waiting to be written")
                .register(registry);
        long ms = Math.max(1, flushInterval.toMillis());
        this.timer = scheduler.scheduleWithFixedDelay(backgroundFlush::trigger, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The process-wide writer (and database) for this config; interval and database are fixed at first use. */
    public static LedgerWriter shared(FilterServices services, GatewayConfig config) {
        LedgerDatabase db = LedgerDatabase.shared(services, config);
        return services.shared(LedgerWriter.class, () -> new LedgerWriter(db, services.blockingExecutor(), services.scheduler(),
                config.state().flushInterval(), DEFAULT_CAPACITY, services.meterRegistry()));
    }

    public LedgerDatabase database() {
        return db;
    }

    /** Queues a row; never blocks. False (and counted) when the queue is full or the writer closed. */
    public boolean enqueue(LedgerRow row) {
        if (closed) {
            return drop(row, "ledger closed");
        }
        int n = queued.incrementAndGet();
        if (n > capacity) {
            queued.decrementAndGet();
            return drop(row, "write queue full (" + capacity + ")");
        }
        queue.offer(row);
        if (n >= BATCH && !backgroundFlush.underway()) {
            backgroundFlush.trigger();
        }
        return true;
    }

    private boolean drop(LedgerRow row, String why) {
        dropped.increment();
        long unreported = dropWarnings.dropped(System.nanoTime());
        if (unreported > 0) {
            log.warn("Ledger dropped {} row(s) since its last warning, the latest for request {}: {} (gateway_ledger_dropped_total counts every one)",
                    unreported, row.requestId(), why);
        }
        return false;
    }

    /** Rows waiting in the queue (not counting a batch being written). */
    public int queued() {
        return queued.get();
    }

    /** Writes every queued row now, on the calling thread (blocking). Returns rows committed; keeps them pending on failure. */
    public synchronized int flush() {
        LedgerRow row;
        while ((row = queue.poll()) != null) {
            queued.decrementAndGet();
            pending.add(row);
        }
        if (pending.isEmpty()) {
            return 0;
        }
        int done = 0;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            // Both statements compiled once a flush, not once a batch of it.
            try (PreparedStatement ps = c.prepareStatement(INSERT);
                 PreparedStatement rollup = c.prepareStatement(HourlySpend.UPSERT)) {
                for (int from = 0; from < pending.size(); from += BATCH) {
                    int to = Math.min(pending.size(), from + BATCH);
                    for (LedgerRow r : pending.subList(from, to)) {
                        bind(ps, r);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    HourlySpend.add(rollup, pending.subList(from, to));
                    c.commit();
                    done = to;
                }
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            log.warn("Ledger flush failed, {} rows kept for the next attempt: {}", pending.size() - done, e.toString());
        }
        pending.subList(0, done).clear();
        if (pending.size() > capacity) { // the database has been down for long: bound memory
            int over = pending.size() - capacity;
            pending.subList(0, over).clear();
            dropped.increment(over);
            log.warn("Ledger database unreachable: dropped {} oldest rows", over);
        }
        written.increment(done);
        return done;
    }

    static void bind(PreparedStatement ps, LedgerRow r) throws SQLException {
        int i = 1;
        ps.setLong(i++, r.time().toEpochMilli());
        ps.setString(i++, r.requestId());
        ps.setString(i++, r.keyId());
        ps.setString(i++, r.team());
        ps.setString(i++, r.user());
        ps.setString(i++, r.tagsJson());
        ps.setString(i++, r.alias());
        ps.setString(i++, r.provider());
        ps.setString(i++, r.upstreamModel());
        ps.setString(i++, r.promptId());
        if (r.promptVersion() == null) ps.setNull(i++, Types.INTEGER); else ps.setInt(i++, r.promptVersion());
        ps.setString(i++, r.promptHash());
        ps.setLong(i++, r.usage().inputTokens());
        ps.setLong(i++, r.usage().outputTokens());
        ps.setLong(i++, r.usage().cacheReadTokens());
        ps.setLong(i++, r.usage().cacheWriteTokens());
        ps.setLong(i++, r.usage().reasoningTokens());
        ps.setDouble(i++, r.costUsd());
        ps.setInt(i++, r.priced() ? 1 : 0);
        ps.setDouble(i++, r.costSavedUsd());
        ps.setLong(i++, r.latencyMs());
        if (r.ttftMs() == null) ps.setNull(i++, Types.BIGINT); else ps.setLong(i++, r.ttftMs());
        ps.setInt(i++, r.status());
        ps.setString(i++, r.errorCode());
        ps.setString(i++, r.cacheStatus());
        ps.setInt(i, r.attempts());
    }

    /** Stops the timer and writes everything queued (SIGTERM path). Does not close the database. */
    @Override
    public void close() {
        closed = true;
        timer.cancel(false);
        int n = flush();
        if (!pending.isEmpty()) {
            log.error("Ledger closed with {} rows unwritten (database unreachable)", pending.size());
        } else if (n > 0) {
            log.info("Ledger flushed {} rows on close", n);
        }
    }
}
