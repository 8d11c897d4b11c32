package io.tollgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.PriceConfig;
import io.tollgate.core.testing.TestFilterServices;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingPricesTest {

    @Test
    void pricingThenBuiltInTableThenInstalledPricesElseUnknown() {
        GatewayConfig config = new GatewayConfig(null, null, null, null, Map.of("gpt-4o", new PriceConfig(2.0, 8.0, null, null)),
                null, null, null, null, null, null, null);
        RoutingPrices prices = RoutingPrices.of(TestFilterServices.create());
        PriceLookup lookup = prices.lookup(config);

        assertThat(lookup.pricePerMillion("openai", "gpt-4o")).isEqualTo(10.0);            // pricing: wins
        assertThat(lookup.pricePerMillion("openai", "gpt-4o-2024-08-06")).isEqualTo(10.0); // dated name resolved by the table
        assertThat(lookup.pricePerMillion("openai", "gpt-4o-mini")).isFinite().isPositive(); // built-in price
        assertThat(lookup.pricePerMillion("local", "my-finetune")).isInfinite();

        prices.install((provider, model) -> model.equals("my-finetune") ? 0.5 : Double.POSITIVE_INFINITY);
        assertThat(lookup.pricePerMillion("local", "my-finetune")).isEqualTo(0.5);   // installed after the lookup was made
        assertThat(lookup.pricePerMillion("openai", "gpt-4o")).isEqualTo(10.0);
    }
}
