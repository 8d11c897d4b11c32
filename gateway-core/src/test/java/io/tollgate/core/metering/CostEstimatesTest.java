package io.tollgate.core.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.budget.CostEstimator;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.PriceConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metering behind the budget and rate-limit seams. */
class CostEstimatesTest {

    @org.junit.jupiter.api.BeforeAll
    static void loadTokenizerTables() {
        io.tollgate.core.metering.Tokenizers.awaitLoaded(); // exact counts, not the heuristic of the first second
    }


    static GatewayConfig config(Map<String, PriceConfig> pricing) {
        ModelConfig chat = new ModelConfig(null, List.of(new TargetConfig("openai", "gpt-4o-mini", null),
                new TargetConfig("openai", "gpt-4o", null)), null, null, null, null, null);
        return new GatewayConfig(null, null, Map.of("openai", new ProviderConfig("openai", null, null, null, null, null, null, null, null, null, null, null, null, null)),
                Map.of("chat", chat), pricing, null, null, null, null, null, null, null);
    }

    @Test
    void installRegistersTheSeamsAndFollowsReloads() {
        try (DefaultFilterServices services = TestFilterServices.create()) {
            CostEstimates estimates = CostEstimates.install(config(Map.of()), services);
            assertThat(services.shared(CostEstimator.class, () -> CostEstimator.DEFAULT)).isSameAs(estimates);
            assertThat(services.shared(io.tollgate.core.ratelimit.TokenEstimator.class, () -> null)).isSameAs(estimates);

            DefaultExchange ex = TestExchange.chat("chat", "hello world");
            TokenUsage usage = TokenUsage.of(1_000_000, 0);
            assertThat(estimates.costUsd(ex, usage)).isEqualTo(2.50); // alias: the priciest target, gpt-4o
            ex.record().upstreamModel("gpt-4o-mini-2024-07-18");
            assertThat(estimates.costUsd(ex, usage)).isEqualTo(0.15); // once routed: the model actually used

            CostEstimates.install(config(Map.of("gpt-4o-mini", new PriceConfig(1.0, 2.0, null, null))), services); // reload
            assertThat(estimates.costUsd(ex, usage)).isEqualTo(1.0);

            DefaultExchange fresh = TestExchange.chat("chat", "hello world");
            long input = estimates.inputTokens(fresh);
            assertThat(input).isEqualTo(2 + 3 + 1 + 3); // o200k tokens + message overhead
            assertThat(estimates.estimateTokens(fresh)).isEqualTo(input + io.tollgate.core.ratelimit.TokenEstimator.DEFAULT_OUTPUT_TOKENS);
            assertThat(estimates.estimateUsd(fresh)).isEqualTo((input * 2.50 + TokenEstimator.DEFAULT_MAX_OUTPUT * 10.0) / 1e6);
        }
    }
}
