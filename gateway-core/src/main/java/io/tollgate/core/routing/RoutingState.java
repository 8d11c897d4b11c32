package io.tollgate.core.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.BreakerConfig;
import io.tollgate.core.filter.FilterServices;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-target routing state for the life of the process: lives in {@link FilterServices#shared}, so
 * breakers, latency averages and cooldowns survive config reloads. Keyed by provider + upstream model
 * (two aliases sharing a target share its health).
 */
public final class RoutingState {

    private final ConcurrentMap<String, TargetState> targets = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Clock clock;

    public RoutingState(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** The process's routing state. */
    public static RoutingState of(FilterServices services) {
        return services.shared(RoutingState.class, () -> new RoutingState(services.meterRegistry(), services.clock()));
    }

    /**
     * The state of {@code provider}/{@code model}, made with {@code breaker} settings the first time.
     * Breaker settings are fixed when the target is first seen (Resilience4j breakers are immutable):
     * a reload that changes them takes effect at the next restart; see docs/routing.md.
     */
    public TargetState target(String provider, String model, BreakerConfig breaker) {
        TargetState state = targets.computeIfAbsent(provider + '\u0000' + model, k -> {
            TargetState s = new TargetState(provider, model, CircuitBreaker.of(provider + "/" + model, breakerConfig(breaker)));
            Gauge.builder("gateway.circuit.breaker.state", s, TargetState::stateGauge)
                    .description("Circuit breaker per target: 0 closed, 1 open, 2 half-open")
                    .tag("provider", provider).tag("model", model)
                    .register(registry);
            return s;
        });
        return state;
    }

    CircuitBreakerConfig breakerConfig(BreakerConfig b) {
        return CircuitBreakerConfig.custom()
                .clock(clock)
                .failureRateThreshold(b.failureRate().floatValue())
                .slowCallRateThreshold(b.slowCallRate().floatValue())
                .slowCallDurationThreshold(b.slowCall())
                .slidingWindow(b.window(), b.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(b.openFor())
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenProbes())
                .build();
    }
}
