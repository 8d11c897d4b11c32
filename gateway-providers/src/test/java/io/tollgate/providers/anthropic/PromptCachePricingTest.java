package io.tollgate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.metering.MeteringFilter;
import io.tollgate.core.metering.PriceTable;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.providers.openai.OpenAiProviderFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recorded vendor answers through the real adapters and the metering hook: prompt-cached requests are
 * priced at the cache rates, to the exact USD (built-in prices).
 */
class PromptCachePricingTest {

    private final MeteringFilter metering = new MeteringFilter(PriceTable.builtIn(), new SimpleMeterRegistry());

    private DefaultExchange meter(ProviderAdapter adapter, String provider, String fixture, String upstreamModel, String expectedHeader) throws Exception {
        DefaultExchange ex = TestExchange.chat("chat", "hi");
        ResponseHook hook = ((FilterDecision.Proceed) TestExchange.decide(metering, ex)).hook();
        ex.record().provider(provider);
        ex.record().upstreamModel(upstreamModel);
        GatewayResponse r = adapter.fromUpstream(ex.request(), 200, Headers.EMPTY, Fixtures.bytes(fixture));
        hook.onResponse(ex, r);
        hook.onComplete(ex, Completion.SUCCESS);
        assertThat(ex.responseHeaders().get("x-gateway-cost-usd")).isEqualTo(expectedHeader);
        assertThat(ex.record().priced()).isTrue();
        return ex;
    }

    private final AnthropicAdapter anthropic = new AnthropicAdapter("anthropic", null, "sk-ant-test", null, Map.of(), AnthropicAdapterTest.CLOCK);

    @Test
    void anthropicCacheReadAndWrite() throws Exception {
        // 10 x $1 + 7351 x $0.10 (cache read) + 4 x $5, per 1M
        DefaultExchange read = meter(anthropic, "anthropic", "anthropic-messages-nonstream-cache-read.json", "claude-haiku-4-5-20251001", "0.0007651");
        assertThat(read.record().costUsd()).isCloseTo(0.0007651, within(1e-12));
        // 10 x $1 + 7351 x $1.25 (5-minute cache write) + 4 x $5, per 1M
        DefaultExchange write = meter(anthropic, "anthropic", "anthropic-messages-nonstream-cache-write.json", "claude-haiku-4-5-20251001", "0.00921875");
        assertThat(write.record().costUsd()).isCloseTo(0.00921875, within(1e-12));
    }

    @Test
    void openAiCachedTokens() throws Exception {
        ProviderAdapter openai = new OpenAiProviderFactory().create("openai",
                new ProviderConfig("openai", null, Secret.of("sk-test"), Map.of(), null, null, null, null, null, null, null, null, null, null),
                TestFilterServices.create());
        // gpt-5-nano: 185 x $0.05 + 1664 x $0.005 (cached) + 1450 x $0.40, per 1M
        DefaultExchange ex = meter(openai, "openai", "openai-chat-nonstream-cached-tokens.json", "gpt-5-nano-2025-08-07", "0.00059757");
        assertThat(ex.record().usage().reasoningTokens()).isEqualTo(1088);
    }
}
