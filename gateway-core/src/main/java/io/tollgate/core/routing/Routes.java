package io.tollgate.core.routing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.provider.ProviderAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Every alias of one config version, resolved to adapters and process-wide target state. Built once
 * per config version and shared by {@link ModelAccessFilter} and {@link ModelRouter}
 * ({@link #of(GatewayConfig, FilterServices)} caches the latest).
 */
public final class Routes {

    private final GatewayConfig config;
    private final Providers providers;
    private final Map<String, Route> routes;

    private Routes(GatewayConfig config, Providers providers, Map<String, Route> routes) {
        this.config = config;
        this.providers = providers;
        this.routes = Map.copyOf(routes);
    }

    /**
     * The routes of {@code config}: providers from the class path's factories, prices from
     * {@link RoutingPrices} ({@code pricing:}, then any installed table). The last built instance is reused for the same config object, so the filter and
     * the router of one config version share adapters and strategy state.
     */
    public static Routes of(GatewayConfig config, FilterServices services) {
        return services.shared(Latest.class, Latest::new).get(config, services);
    }

    /** Builds routes from explicit parts (tests; a server that passes metering's full price table). */
    public static Routes build(GatewayConfig config, Providers providers, FilterServices services, PriceLookup prices) {
        return build(config, providers, services, prices, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** With the random source least-latency explores with (tests pass a seeded one). */
    public static Routes build(GatewayConfig config, Providers providers, FilterServices services, PriceLookup prices, DoubleSupplier random) {
        RoutingState state = RoutingState.of(services);
        Ticker ticker = services.ticker();
        Map<String, Route> routes = new LinkedHashMap<>();
        for (Map.Entry<String, ModelConfig> e : config.models().entrySet()) {
            ModelConfig m = e.getValue();
            List<Target> targets = new ArrayList<>();
            for (TargetConfig t : m.targets()) {
                ProviderAdapter adapter = providers.get(t.provider());
                if (adapter == null) {
                    throw new IllegalArgumentException("models." + e.getKey() + ": provider '" + t.provider() + "' has no adapter");
                }
                targets.add(new Target(targets.size(), t, adapter, state.target(t.provider(), t.model(), m.circuitBreaker())));
            }
            RoutingStrategy strategy = switch (m.routing()) {
                case FALLBACK -> new FallbackStrategy();
                case WEIGHTED -> new WeightedStrategy(targets.size());
                case LEAST_LATENCY -> new LeastLatencyStrategy(ticker, random);
                case LOWEST_COST -> new LowestCostStrategy(prices);
            };
            routes.put(e.getKey(), new Route(e.getKey(), m, targets, strategy));
        }
        return new Routes(config, providers, routes);
    }

    public @Nullable Route route(String alias) {
        return routes.get(alias);
    }

    public Map<String, Route> all() {
        return routes;
    }

    public Providers providers() {
        return providers;
    }

    public GatewayConfig config() {
        return config;
    }

    /** Holds the routes of the newest config seen, so two callers for one version build once. */
    static final class Latest {
        private @Nullable Routes latest;

        synchronized Routes get(GatewayConfig config, FilterServices services) {
            Routes r = latest;
            if (r == null || r.config != config) {
                r = build(config, Providers.load(config, services), services, RoutingPrices.of(services).lookup(config));
                latest = r;
            }
            return r;
        }
    }
}
