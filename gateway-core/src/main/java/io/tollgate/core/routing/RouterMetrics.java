package io.tollgate.core.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's meters. Tags are provider names, aliases and outcomes: all bounded by config. Each
 * meter is registered the first time its tag combination occurs and then reused from a map.
 */
final class RouterMetrics {

    private final MeterRegistry registry;
    private final ConcurrentMap<AttemptKey, Counter> attempts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> fallbacks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> upstream = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> ttft = new ConcurrentHashMap<>();

    /** A record, not the two joined into a string: no string is built and hashed per attempt. */
    private record AttemptKey(String provider, String outcome) {}

    RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void attempt(String provider, String outcome) {
        attempts.computeIfAbsent(new AttemptKey(provider, outcome), k -> Counter.builder("gateway.upstream.attempts")
                .description("Upstream attempts by outcome: success, error, client_error, timeout, rate_limited, connection, cancelled")
                .tag("provider", provider).tag("outcome", outcome).register(registry)).increment();
    }

    void fallback(String alias) {
        fallbacks.computeIfAbsent(alias, a -> Counter.builder("gateway.fallbacks")
                .description("Attempts after the first: retries and fallbacks to another target")
                .tag("alias", a).register(registry)).increment();
    }

    void upstreamDuration(String provider, long nanos) {
        upstream.computeIfAbsent(provider, p -> Timer.builder("gateway.upstream.duration")
                .description("One upstream attempt, request sent to last byte or failure")
                .tag("provider", p).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void timeToFirstToken(String provider, long nanos) {
        ttft.computeIfAbsent(provider, p -> Timer.builder("gateway.time.to.first.token")
                .description("Request start to the first streamed chunk sent to the client")
                .tag("provider", p).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
