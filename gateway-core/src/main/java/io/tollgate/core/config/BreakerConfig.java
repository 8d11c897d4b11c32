package io.tollgate.core.config;

import java.time.Duration;

/**
 * {@code models.<alias>.circuit-breaker:} per-target breaker (one per provider + upstream model).
 *
 * @param failureRate      percent of failed calls in the window that opens the breaker
 * @param slowCallRate     percent of slow calls in the window that opens the breaker
 * @param slowCall         a call slower than this (to first token for streams) counts as slow
 * @param window           calls in the sliding window
 * @param minimumCalls     calls needed before the rates are judged
 * @param openFor          how long an open breaker rejects before letting probes through (half-open)
 * @param halfOpenProbes   probe calls allowed while half-open; all must pass to close again
 */
public record BreakerConfig(Double failureRate, Double slowCallRate, Duration slowCall, Integer window,
                            Integer minimumCalls, Duration openFor, Integer halfOpenProbes) {

    public static final BreakerConfig DEFAULT = new BreakerConfig(null, null, null, null, null, null, null);

    public BreakerConfig {
        failureRate = Defaults.or(failureRate, 50.0);
        slowCallRate = Defaults.or(slowCallRate, 100.0);
        slowCall = Defaults.or(slowCall, Duration.ofSeconds(30));
        window = Defaults.or(window, 20);
        minimumCalls = Defaults.or(minimumCalls, 5);
        openFor = Defaults.or(openFor, Duration.ofSeconds(30));
        halfOpenProbes = Defaults.or(halfOpenProbes, 2);
        if (failureRate <= 0 || failureRate > 100) throw new ConfigException("failure-rate", failureRate, "a percentage in (0, 100]");
        if (slowCallRate <= 0 || slowCallRate > 100) throw new ConfigException("slow-call-rate", slowCallRate, "a percentage in (0, 100]");
        if (window < 1) throw new ConfigException("window", window, ">= 1");
        if (minimumCalls < 1) throw new ConfigException("minimum-calls", minimumCalls, ">= 1");
        if (halfOpenProbes < 1) throw new ConfigException("half-open-probes", halfOpenProbes, ">= 1");
        if (openFor.isNegative() || openFor.isZero()) throw new ConfigException("open-for", openFor, "> 0");
    }
}
