package io.tollgate.core.routing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.metering.ModelPrice;
import io.tollgate.core.metering.PriceTable;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code routing: lowest-cost} gets prices: metering's {@link PriceTable} for the config
 * (built-in prices, {@code pricing:} overriding them; dated and {@code vendor/} names resolved), then
 * an extra table a plugin may install for models neither knows, else unknown. Process-wide, in
 * {@link FilterServices#shared}; the extra table is read per lookup, so install order does not matter.
 */
public final class RoutingPrices {

    private volatile @Nullable PriceLookup extra;

    public static RoutingPrices of(FilterServices services) {
        return services.shared(RoutingPrices.class, RoutingPrices::new);
    }

    /** Installs prices (USD per 1M input + output tokens) for models the price table does not know. */
    public void install(PriceLookup table) {
        this.extra = table;
    }

    /** Input + output USD per 1M tokens for {@code config}'s models. */
    public PriceLookup lookup(GatewayConfig config) {
        PriceTable table = PriceTable.of(config);
        return (provider, model) -> {
            ModelPrice p = table.find(model);
            if (p != null) {
                return p.input() + p.output();
            }
            PriceLookup t = extra;
            return t == null ? Double.POSITIVE_INFINITY : t.pricePerMillion(provider, model);
        };
    }
}
