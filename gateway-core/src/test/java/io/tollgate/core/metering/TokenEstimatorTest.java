package io.tollgate.core.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    @org.junit.jupiter.api.BeforeAll
    static void loadTokenizerTables() {
        io.tollgate.core.metering.Tokenizers.awaitLoaded(); // exact counts, not the heuristic of the first second
    }


    private static GatewayRequest chat(String model, String text, Integer maxTokens) {
        var body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        if (maxTokens != null) body.put("max_tokens", maxTokens);
        return GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body);
    }

    private final ModelConfig chatAlias = new ModelConfig(null, List.of(new TargetConfig("anthropic", "claude-haiku-4-5", null),
            new TargetConfig("openai", "gpt-4o-mini", null)), null, null, null, null, null);
    private final TokenEstimator estimator = new TokenEstimator(PriceTable.builtIn(), Map.of("chat", chatAlias));

    @Test
    void countsOpenAiTokensWithTheModelsEncodingPlusMessageOverhead() {
        // "hello world" is 2 tokens in o200k_base; + 3 per message + "user" (1) + 3 reply priming
        assertThat(estimator.estimateInputTokens(chat("gpt-4o", "hello world", null), "gpt-4o")).isEqualTo(2 + 3 + 1 + 3);
        assertThat(TokenEstimator.encodingFor("gpt-5-mini").getName()).isEqualTo("o200k_base");
        assertThat(TokenEstimator.encodingFor("gpt-4-turbo").getName()).isEqualTo("cl100k_base");
        assertThat(TokenEstimator.encodingFor("claude-haiku-4-5")).isNull();
    }

    @Test
    void nonOpenAiModelsUseAboutFourCharactersPerToken() {
        String text = "x".repeat(400);
        long t = estimator.estimateInputTokens(chat("claude-haiku-4-5", text, null), "claude-haiku-4-5");
        assertThat(t).isEqualTo(100 + 3 + 1 + 3);
    }

    @Test
    void outputIsTheRequestLimitOrTheDefault() {
        assertThat(estimator.estimateOutputTokens(chat("gpt-4o", "hi", 50))).isEqualTo(50);
        assertThat(estimator.estimateOutputTokens(chat("gpt-4o", "hi", null))).isEqualTo(TokenEstimator.DEFAULT_MAX_OUTPUT);
        var req = chat("gpt-4o", "hi", 50);
        req.edit().put("max_completion_tokens", 20);
        assertThat(estimator.estimateOutputTokens(req)).isEqualTo(20);
    }

    @Test
    void costForAnAliasIsThePriciestTargetAndZeroWhenUnpriced() {
        GatewayRequest req = chat("chat", "x".repeat(4000), 100);
        long in = estimator.estimateInputTokens(req, "chat");
        // claude-haiku-4-5 ($1/$5) is pricier than gpt-4o-mini
        assertThat(estimator.estimateCostUsd(req, "chat")).isEqualTo((in * 1.0 + 100 * 5.0) / 1e6);
        assertThat(estimator.estimateCostUsd(req, "unknown-model")).isZero();
    }
}
