package io.tollgate.core.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.state.RedisState;
import io.tollgate.core.state.StateFailures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code rate-limit}: RPM/TPM from {@code keys[].limits}, {@code teams.<t>.limits} and
 * {@code models.<a>.limits}. Buckets live in the process ({@link LocalLimiterStore}) or, with
 * {@code state.redis}, in Redis ({@link RedisLimiterStore}); both in {@code services.shared}, so
 * they survive reloads.
 */
public final class RateLimitFilterFactory implements FilterFactory {

    @Override public String type() { return "rate-limit"; }

    @Override public int order() { return FilterOrder.RATE_LIMIT; }

    /** With limits set, the buckets' Redis ({@code state.redis}), when one is named, must parse. */
    @Override
    public List<ConfigProblem> check(GatewayConfig config) {
        return RateLimitFilter.anyLimits(config) ? RedisState.check(config.state()) : List.of();
    }

    @Override
    public @Nullable GatewayFilter create(GatewayConfig config, FilterServices services) {
        if (!RateLimitFilter.anyLimits(config)) {
            return null;
        }
        Map<String, Counter> limited = new HashMap<>();
        for (RateLimitFilter.Kind kind : RateLimitFilter.Kind.values()) {
            for (RateLimitFilter.Scope scope : RateLimitFilter.Scope.values()) {
                limited.put(kind.label + ":" + scope.label, Counter.builder("gateway.rate.limited")
                        .description("Requests rejected by an RPM/TPM limit")
                        .tag("limit", kind.label).tag("scope", scope.label)
                        .register(services.meterRegistry()));
            }
        }
        TokenEstimator estimator = services.shared(TokenEstimator.class, () -> TokenEstimator.HEURISTIC);
        StateFailures failures = new StateFailures("rate-limit", config.state().onRedisError(), services.meterRegistry());
        return new RateLimitFilter(config, store(config, services), estimator, failures, limited);
    }

    static LimiterStore store(GatewayConfig config, FilterServices services) {
        String redis = config.state().redis();
        if (redis.isBlank()) {
            return services.shared(LocalLimiterStore.class, () -> new LocalLimiterStore(services.ticker()));
        }
        RedisState state = services.shared(RedisState.class, () -> new RedisState(redis));
        return services.shared(RedisLimiterStore.class, () -> new RedisLimiterStore(state, "tollgate:rl:"));
    }
}
