package io.tollgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaseUrlTest {

    private static final String DEFAULT = "https://api.example.com/v1";

    @Test
    void aBlankValueIsTheDefault() {
        assertThat(BaseUrl.orDefault(null, DEFAULT)).isEqualTo(DEFAULT);
        assertThat(BaseUrl.orDefault("  ", DEFAULT)).isEqualTo(DEFAULT);
    }

    @Test
    void aConfiguredRootLosesSurroundingSpaceAndItsTrailingSlash() {
        assertThat(BaseUrl.orDefault(" http://10.0.0.5:8000/v1/ ", DEFAULT)).isEqualTo("http://10.0.0.5:8000/v1");
        assertThat(BaseUrl.orDefault("https://llm.internal", DEFAULT)).isEqualTo("https://llm.internal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.example.com/v1", "ftp://files.example.com/v1", "https:///v1", "http://exa mple.com", "localhost:8000"})
    void anythingButAnHttpUrlWithAHostIsAConfigErrorOnBaseUrlNamingAnExample(String bad) {
        assertThatThrownBy(() -> BaseUrl.orDefault(bad, DEFAULT, "https://my-resource.openai.azure.com"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("base-url: ")
                .hasMessageContaining("expected: an http(s) URL such as https://my-resource.openai.azure.com");
    }
}
