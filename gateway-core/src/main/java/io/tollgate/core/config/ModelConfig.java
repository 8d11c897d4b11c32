package io.tollgate.core.config;

import io.tollgate.core.error.FailureClass;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code models.<alias>:} what a model alias the client sends resolves to.
 *
 * @param routing    how a target is picked per attempt
 * @param targets    provider + upstream model pairs
 * @param retries    attempts and backoff
 * @param timeouts   per-attempt timeouts
 * @param fallbackOn failure classes that move on to another attempt
 * @param maxCostUsd per-request cost cap (also enforced during a stream), or null
 * @param limits     RPM/TPM for the alias as a whole
 * @param circuitBreaker per-target circuit breaker thresholds
 * @param maxConcurrent  per-target cap on attempts in flight (bulkhead), or null for no cap
 * @param routes     conditional routes: matching requests are served by another alias
 * @param cache      this alias's cache settings (the semantic cache is opt-in per alias)
 */
public record ModelConfig(Routing routing, List<TargetConfig> targets, RetryConfig retries, TimeoutConfig timeouts,
                          List<FailureClass> fallbackOn, @Nullable Double maxCostUsd, LimitsConfig limits,
                          BreakerConfig circuitBreaker, @Nullable Integer maxConcurrent, List<ConditionalRoute> routes,
                          ModelCacheConfig cache) {

    /** {@code routing:} strategies; see docs/routing.md. */
    public enum Routing { FALLBACK, WEIGHTED, LEAST_LATENCY, LOWEST_COST }

    public ModelConfig {
        routing = Defaults.or(routing, Routing.FALLBACK);
        targets = Defaults.list(targets);
        retries = Defaults.or(retries, RetryConfig.DEFAULT);
        timeouts = Defaults.or(timeouts, TimeoutConfig.DEFAULT);
        fallbackOn = fallbackOn == null
                ? List.of(FailureClass.RATE_LIMIT, FailureClass.SERVER_ERROR, FailureClass.TIMEOUT, FailureClass.CONNECTION)
                : List.copyOf(fallbackOn);
        limits = Defaults.or(limits, LimitsConfig.NONE);
        circuitBreaker = Defaults.or(circuitBreaker, BreakerConfig.DEFAULT);
        routes = Defaults.list(routes);
        cache = Defaults.or(cache, ModelCacheConfig.NONE);
        if (maxConcurrent != null && maxConcurrent < 1) throw new ConfigException("max-concurrent", maxConcurrent, ">= 1");
        if (targets.isEmpty()) throw new ConfigException("targets", "at least one target is required");
        if (maxCostUsd != null && maxCostUsd <= 0) throw new ConfigException("max-cost-usd", maxCostUsd, "> 0");
    }

    /** Without per-alias cache settings (the shape before that key existed). */
    public ModelConfig(Routing routing, List<TargetConfig> targets, RetryConfig retries, TimeoutConfig timeouts,
                       List<FailureClass> fallbackOn, @Nullable Double maxCostUsd, LimitsConfig limits,
                       BreakerConfig circuitBreaker, @Nullable Integer maxConcurrent, List<ConditionalRoute> routes) {
        this(routing, targets, retries, timeouts, fallbackOn, maxCostUsd, limits, circuitBreaker, maxConcurrent, routes, null);
    }

    /** Without breaker settings or a bulkhead (the shape before those keys existed). */
    public ModelConfig(Routing routing, List<TargetConfig> targets, RetryConfig retries, TimeoutConfig timeouts,
                       List<FailureClass> fallbackOn, @Nullable Double maxCostUsd, LimitsConfig limits) {
        this(routing, targets, retries, timeouts, fallbackOn, maxCostUsd, limits, null, null, null, null);
    }
}
