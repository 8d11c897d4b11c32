package io.tollgate.core.config;

import java.time.Duration;

/**
 * {@code retries:} attempts per request across targets.
 *
 * @param maxAttempts total attempts, the first included
 * @param backoff     base of the exponential backoff (with jitter)
 * @param maxBackoff  cap on one wait, retry-after included
 */
public record RetryConfig(Integer maxAttempts, Duration backoff, Duration maxBackoff) {

    public static final RetryConfig DEFAULT = new RetryConfig(null, null, null);

    public RetryConfig {
        maxAttempts = Defaults.or(maxAttempts, 2);
        backoff = Defaults.or(backoff, Duration.ofMillis(200));
        maxBackoff = Defaults.or(maxBackoff, Duration.ofSeconds(10));
        if (maxAttempts < 1 || maxAttempts > 10) throw new ConfigException("max-attempts", maxAttempts, "1-10");
    }
}
