package io.tollgate.core.state;

import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.OneAtATime;
import io.tollgate.core.ledger.LedgerDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Whether the stores this process uses answer: the ledger database and Redis, when they are in use.
 * A probe runs in the background every {@link #INTERVAL} (a connection check on the blocking executor, a
 * PING within Redis's command timeout), so {@code /health/ready} reads the last result without waiting
 * on a database from an event loop. A store not opened yet is not listed.
 */
public final class StoreHealth implements AutoCloseable {

    public static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final int LEDGER_CHECK_SECONDS = 2;

    public enum Status { REACHABLE, UNREACHABLE;
        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final DefaultFilterServices services;
    private final OneAtATime probes;
    private final ScheduledFuture<?> timer;
    private volatile @Nullable Status ledger;
    private volatile @Nullable Status redis;

    public StoreHealth(DefaultFilterServices services) {
        this.services = services;
        this.probes = new OneAtATime(services.blockingExecutor(), () -> {
            probeLedger();
            probeRedis();
        });
        this.timer = services.scheduler().scheduleWithFixedDelay(this::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last result per store in use: {@code ledger}, {@code redis}. */
    public Map<String, Status> statuses() {
        Map<String, Status> out = new LinkedHashMap<>();
        Status l = ledger;
        Status r = redis;
        if (l != null) {
            out.put("ledger", l);
        }
        if (r != null) {
            out.put("redis", r);
        }
        return out;
    }

    public boolean redisUnreachable() {
        return redis == Status.UNREACHABLE;
    }

    /** Starts one round unless the previous one is still waiting on a store. */
    void probe() {
        probes.trigger();
    }

    private void probeLedger() {
        LedgerDatabase db = services.existing(LedgerDatabase.class);
        if (db == null) {
            return;
        }
        boolean ok;
        try (Connection c = db.dataSource().getConnection()) {
            ok = c.isValid(LEDGER_CHECK_SECONDS);
        } catch (Exception e) {
            ok = false;
        }
        ledger = ok ? Status.REACHABLE : Status.UNREACHABLE;
    }

    private void probeRedis() {
        RedisState state = services.existing(RedisState.class);
        if (state == null) {
            return;
        }
        boolean ok;
        try {
            ok = "PONG".equals(state.ping().toCompletableFuture().get(RedisState.COMMAND_TIMEOUT.toMillis() * 5, TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            ok = false;
        }
        redis = ok ? Status.REACHABLE : Status.UNREACHABLE;
    }

    @Override
    public void close() {
        timer.cancel(false);
    }
}
