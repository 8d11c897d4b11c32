package io.tollgate.core.routing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.PriceConfig;
import io.tollgate.core.filter.FilterServices;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code routing: lowest-cost} gets prices: the config's {@code pricing:} first (the user's
 * overrides), then a full price table another feature installs (metering's built-in table:
 * {@code RoutingPrices.of(services).install(table)}), else unknown. Process-wide, in
 * {@link FilterServices#shared}; the table is read per lookup, so install order does not matter.
 */
public final class RoutingPrices {

    private volatile @Nullable PriceLookup table;

    public static RoutingPrices of(FilterServices services) {
        return services.shared(RoutingPrices.class, RoutingPrices::new);
    }

    /** Installs the full price table (USD per 1M input + output tokens). */
    public void install(PriceLookup table) {
        this.table = table;
    }

    /** Prices for {@code config}: its {@code pricing:} entries, then the installed table. */
    public PriceLookup lookup(GatewayConfig config) {
        return (provider, model) -> {
            PriceConfig p = config.pricing().get(model);
            if (p != null) {
                return p.input() + p.output();
            }
            PriceLookup t = table;
            return t == null ? Double.POSITIVE_INFINITY : t.pricePerMillion(provider, model);
        };
    }
}
