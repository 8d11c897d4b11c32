package io.tollgate.core.config;

import java.time.Duration;

/**
 * {@code timeouts:} per attempt.
 *
 * @param connect    TCP + TLS
 * @param firstToken until the response head (and, for streams, the first event)
 * @param total      the whole attempt
 * @param idle       the longest gap between two stream chunks
 */
public record TimeoutConfig(Duration connect, Duration firstToken, Duration total, Duration idle) {

    public static final TimeoutConfig DEFAULT = new TimeoutConfig(null, null, null, null);

    public TimeoutConfig {
        connect = Defaults.or(connect, Duration.ofSeconds(5));
        firstToken = Defaults.or(firstToken, Duration.ofSeconds(30));
        total = Defaults.or(total, Duration.ofSeconds(120));
        idle = Defaults.or(idle, Duration.ofSeconds(30));
        if (total.compareTo(firstToken) < 0) throw new ConfigException("total", total, ">= first-token (" + firstToken + ")");
    }
}
