package io.tollgate.core.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code state:} where durable and shared state lives.
 *
 * @param ledger        {@code sqlite:<path>} (default) or a {@code jdbc:postgresql://...} URL
 * @param redis         {@code redis://host:port}; shares counters and cache across replicas; empty = in memory
 * @param flushInterval how often ledger rows are written (a kill -9 loses at most this much)
 * @param onRedisError  what limits and budgets do while Redis is unreachable
 * @param retention     ledger rows older than this are deleted (the hourly rollup keeps every hour); null = kept forever
 */
public record StateConfig(String ledger, String redis, Duration flushInterval, FailMode onRedisError, @Nullable Duration retention) {

    public enum FailMode { OPEN, CLOSED }

    public static final StateConfig DEFAULT = new StateConfig(null, null, null, null, null);

    public StateConfig {
        ledger = Defaults.or(ledger, "sqlite:data/gateway.db");
        redis = Defaults.or(redis, "");
        flushInterval = Defaults.or(flushInterval, Duration.ofMillis(500));
        onRedisError = Defaults.or(onRedisError, FailMode.OPEN);
        if (flushInterval.compareTo(Duration.ofSeconds(1)) > 0) throw new ConfigException("flush-interval", flushInterval, "<= 1s");
        // budgets read the current hour from the rows, and a day keeps every report's partial hours of yesterday and today
        if (retention != null && retention.compareTo(Duration.ofDays(1)) < 0) throw new ConfigException("retention", retention, ">= 1d");
    }
}
