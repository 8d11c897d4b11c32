package io.tollgate.core.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tollgate.core.config.PriceConfig;
import io.tollgate.core.model.TokenUsage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {

    private final PriceTable prices = PriceTable.builtIn();

    @Test
    void plainRequestIsInputPlusOutputAtListPrice() {
        // gpt-4o-mini: $0.15 in / $0.60 out per 1M
        double cost = CostCalculator.costUsd(prices.find("gpt-4o-mini"), TokenUsage.of(1_000, 500));
        assertThat(cost).isCloseTo((1_000 * 0.15 + 500 * 0.60) / 1e6, within(1e-15));
    }

    /** fixtures/anthropic-messages-nonstream-cache-read.json: input 10, cache_read 7351, output 4, claude-haiku-4-5-20251001. */
    @Test
    void anthropicCacheReadIsBilledAtTheCachedRate() {
        TokenUsage usage = new TokenUsage(10 + 7351, 4, 7351, 0, 0);
        double cost = CostCalculator.costUsd(prices.find("claude-haiku-4-5-20251001"), usage);
        // 10 x $1 + 7351 x $0.10 + 4 x $5 per 1M
        assertThat(cost).isCloseTo(0.0007651, within(1e-12));
        assertThat(CostCalculator.format(cost)).isEqualTo("0.0007651");
    }

    /** fixtures/anthropic-messages-nonstream-cache-write.json: input 10, cache_creation 7351, output 4. */
    @Test
    void anthropicCacheWriteIsBilledAtTheWriteRate() {
        TokenUsage usage = new TokenUsage(10 + 7351, 4, 0, 7351, 0);
        double cost = CostCalculator.costUsd(prices.find("claude-haiku-4-5-20251001"), usage);
        // 10 x $1 + 7351 x $1.25 + 4 x $5 per 1M
        assertThat(cost).isCloseTo(0.00921875, within(1e-12));
        assertThat(CostCalculator.format(cost)).isEqualTo("0.00921875");
    }

    /** fixtures/openai-chat-nonstream-cached-tokens.json: gpt-5-nano-2025-08-07, prompt 1849 (1664 cached), completion 1450 (1088 reasoning). */
    @Test
    void openAiCachedTokensAreBilledAtTheCachedRate() {
        TokenUsage usage = new TokenUsage(1849, 1450, 1664, 0, 1088);
        double cost = CostCalculator.costUsd(prices.find("gpt-5-nano-2025-08-07"), usage);
        // 185 x $0.05 + 1664 x $0.005 + 1450 x $0.40 per 1M
        assertThat(cost).isCloseTo(0.00059757, within(1e-12));
    }

    @Test
    void datedSuffixesFallBackToTheUndatedName() {
        assertThat(prices.find("gpt-4o-2024-08-06")).isEqualTo(prices.find("gpt-4o"));
        assertThat(prices.find("claude-haiku-4-5-20251001")).isEqualTo(prices.find("claude-haiku-4-5"));
        assertThat(prices.find("openai/gpt-4o-mini")).isEqualTo(prices.find("gpt-4o-mini"));
        assertThat(prices.find("no-such-model-2024-01-01")).isNull();
        assertThat(prices.find("")).isNull();
    }

    @Test
    void configPricingOverridesBuiltInAndDefaultsCacheRatesToInput() {
        PriceTable t = PriceTable.withOverrides(Map.of(
                "claude-haiku-4-5", new PriceConfig(2.0, 8.0, 0.2, null),
                "my-finetune", new PriceConfig(3.0, 6.0, null, null)));
        assertThat(t.find("claude-haiku-4-5-20251001")).isEqualTo(new ModelPrice(2.0, 8.0, 0.2, 2.0));
        assertThat(t.find("my-finetune")).isEqualTo(new ModelPrice(3.0, 6.0, 3.0, 3.0));
        assertThat(t.find("gpt-4o")).isEqualTo(PriceTable.builtIn().find("gpt-4o"));
    }

    @Test
    void builtInTableCoversEveryMajorVendor() {
        for (String m : new String[] {"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "o3", "o4-mini", "claude-opus-4-5", "claude-sonnet-4-5",
                "claude-3-5-haiku", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "mistral-large-latest",
                "llama-3.3-70b-versatile", "meta.llama3-3-70b-instruct-v1:0", "deepseek-chat"}) {
            assertThat(prices.find(m)).as(m).isNotNull();
        }
        assertThat(prices.find("claude-sonnet-4-5").cacheWrite()).isEqualTo(3.75);
    }

    @Test
    void formatIsPlainDecimalWithAtMostEightPlaces() {
        assertThat(CostCalculator.format(0)).isEqualTo("0");
        assertThat(CostCalculator.format(1.5e-9)).isEqualTo("0");
        assertThat(CostCalculator.format(0.000000125)).isEqualTo("0.00000013");
        assertThat(CostCalculator.format(12.5)).isEqualTo("12.5");
    }
}
