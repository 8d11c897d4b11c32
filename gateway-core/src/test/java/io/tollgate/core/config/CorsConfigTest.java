package io.tollgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CorsConfigTest {

    final CorsConfig cors = new CorsConfig(List.of("https://App.example.com", "http://localhost:5173", "https://*.example.org",
            "capacitor://localhost"), null);

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://app.example.com      | true
            HTTPS://APP.EXAMPLE.COM      | true
            https://app.example.com:8443 | false
            http://app.example.com       | false
            http://localhost:5173        | true
            http://localhost:3000        | false
            https://a.example.org        | true
            https://a.b.example.org      | true
            https://example.org          | false
            https://.example.org         | false
            https://evilexample.org      | false
            https://a.example.org.evil   | false
            capacitor://localhost        | true
            null                         | false
            """)
    void allowsExactlyTheListedOriginsAndSubdomainPatterns(String origin, boolean allowed) {
        assertThat(cors.allows(origin)).isEqualTo(allowed);
    }

    @Test
    void offUntilAnOriginIsListedAndStarAllowsAny() {
        assertThat(CorsConfig.DEFAULT.enabled()).isFalse();
        assertThat(CorsConfig.DEFAULT.maxAge()).isEqualTo(Duration.ofMinutes(10));
        CorsConfig any = new CorsConfig(List.of("*"), null);
        assertThat(any.enabled()).isTrue();
        assertThat(any.anyOrigin()).isTrue();
        assertThat(any.allows("null")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example.com", "https://app.example.com/", "https://app.example.com/path", "https://*", "https://a.*.com", ""})
    void refusesWhatIsNotAnOrigin(String origin) {
        assertThatThrownBy(() -> new CorsConfig(List.of(origin), null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("https://*.example.com");
    }

    @Test
    void bindsFromServerAndReloadsLive() {
        GatewayConfig off = ConfigLoader.parse("server: { port: 9 }", "t.yaml").orThrow();
        GatewayConfig on = ConfigLoader.parse("server: { port: 9, cors: { allow-origins: [\"https://app.example.com\"], max-age: 1h } }", "t.yaml").orThrow();

        assertThat(on.server().cors().allows("https://app.example.com")).isTrue();
        assertThat(on.server().cors().maxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(off.server().needsRestartFor(on.server())).as("CORS reloads live").isFalse();
        assertThat(ConfigLoader.parse("server: { cors: { allow-origins: [\"app.example.com\"] } }", "t.yaml").problems())
                .singleElement().asString().contains("server.cors.allow-origins");
    }
}
