package io.tollgate.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.core.testing.TestFilterServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Every provider type that reads {@code base-url} refuses, at load time, one it could never call. */
class BaseUrlConfigTest {

    @Test
    void everyTypeThatReadsBaseUrlRefusesOneWithoutAnHttpSchemeOrAHost() {
        List<String> checked = new ArrayList<>();
        for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class)) {
            for (String type : factory.types()) {
                if (!factory.keys(type).contains("base-url")) continue;
                for (String bad : List.of("ftp://llm.internal/v1", "https:///v1", "llm.internal/v1")) {
                    assertThatThrownBy(() -> factory.create("p", config(type, bad), TestFilterServices.create()))
                            .as("%s with base-url %s", type, bad)
                            .isInstanceOf(ConfigException.class).hasMessageStartingWith("base-url: " + bad);
                }
                assertThat(factory.create("p", config(type, "http://llm.internal:8080/"), TestFilterServices.create()).name())
                        .isEqualTo("p");
                checked.add(type);
            }
        }
        assertThat(checked).contains("openai", "vllm", "azure-openai", "anthropic", "gemini", "vertex-ai", "bedrock");
    }

    /** Every credential a type might need, so that only the base URL can be wrong. */
    private static ProviderConfig config(String type, String baseUrl) {
        return new ProviderConfig(type, baseUrl, Secret.of("k"), Map.of(), null, null, null, null, "acme", Secret.of("AKID"),
                Secret.of("secret"), Secret.NONE, null, null);
    }
}
