package io.tollgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.core.testing.TestFilterServices;
import java.util.HashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OpenAiPresetsTest {

    private static final GatewayRequest CHAT = OpenAiAdapterTest.request(ApiKind.CHAT_COMPLETIONS,
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    @ParameterizedTest
    @CsvSource({
            "openai,     https://api.openai.com/v1/chat/completions,              true",
            "groq,       https://api.groq.com/openai/v1/chat/completions,         true",
            "mistral,    https://api.mistral.ai/v1/chat/completions,              true",
            "deepseek,   https://api.deepseek.com/v1/chat/completions,            true",
            "together,   https://api.together.xyz/v1/chat/completions,            true",
            "fireworks,  https://api.fireworks.ai/inference/v1/chat/completions,  true",
            "openrouter, https://openrouter.ai/api/v1/chat/completions,           true",
            "xai,        https://api.x.ai/v1/chat/completions,                    true",
            "perplexity, https://api.perplexity.ai/chat/completions,              true",
            "ollama,     http://127.0.0.1:11434/v1/chat/completions,              false",
            "vllm,       http://127.0.0.1:8000/v1/chat/completions,               false",
            "lmstudio,   http://127.0.0.1:1234/v1/chat/completions,               false"})
    void presetsUseTheVendorsDocumentedBaseUrl(String type, String chatUrl, boolean needsKey) {
        ProviderAdapter noKey = OpenAiAdapterTest.adapter(type, null, "", Map.of());
        assertThat(noKey.toUpstream(CHAT, "m").uri()).hasToString(chatUrl);
        assertThat(noKey.isEnabled()).as("enabled without a key").isEqualTo(!needsKey);
        assertThat(noKey.supports(ApiKind.CHAT_COMPLETIONS)).isTrue();
        assertThat(noKey.supports(ApiKind.MESSAGES)).isFalse();
        ProviderAdapter keyed = OpenAiAdapterTest.adapter(type, null, "secret-key", Map.of());
        assertThat(keyed.isEnabled()).isTrue();
        assertThat(keyed.toUpstream(CHAT, "m").headers().get("authorization")).isEqualTo("Bearer secret-key");
    }

    @Test
    void aCustomBaseUrlEnablesAKeylessProviderAndEnabledOverrides() {
        assertThat(OpenAiAdapterTest.adapter("openai", "http://10.0.0.5:8000/v1", "", Map.of()).isEnabled()).isTrue();
        ProviderConfig off = new ProviderConfig("ollama", null, Secret.NONE, null, null, null, null, null, null, null, null, null, false, null);
        assertThat(new OpenAiProviderFactory().create("o", off, TestFilterServices.create()).isEnabled()).isFalse();
    }

    @Test
    void aBadBaseUrlIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> OpenAiAdapterTest.adapter("openai", "api.openai.com/v1", "k", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("base-url");
        assertThatThrownBy(() -> OpenAiAdapterTest.adapter("openai", "ftp://x/v1", "k", Map.of()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void everyTypeIsFoundThroughTheServiceLoader() {
        Set<String> types = new HashSet<>();
        for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
            types.addAll(f.types());
        }
        assertThat(types).contains("openai", "groq", "mistral", "deepseek", "together", "fireworks", "openrouter", "xai",
                "perplexity", "ollama", "vllm", "lmstudio", "azure-openai", "mock");
    }
}
