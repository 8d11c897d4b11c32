package io.tollgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VertexProviderFactoryTest {

    static ProviderConfig config(String project, String region, String token, String file) {
        return new ProviderConfig("vertex-ai", null, Secret.of(token), null, null, null, null, region, project, null, null, null, null, file);
    }

    static GatewayRequest chat(boolean stream) throws Exception {
        String json = "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    final VertexProviderFactory factory = new VertexProviderFactory();

    @Test
    void regionalAndGlobalUrlsWithTheBearerToken() throws Exception {
        ProviderAdapter eu = factory.create("v", config("acme", "europe-west4", "ya29.t", null), TestFilterServices.create());
        UpstreamRequest r = eu.toUpstream(chat(false), "gemini-2.5-flash");
        assertThat(r.uri().toString()).isEqualTo("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme/locations/europe-west4/"
                + "publishers/google/models/gemini-2.5-flash:generateContent");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer ya29.t");
        assertThat(r.headers().get("x-goog-api-key")).isNull();
        assertThat(eu.toUpstream(chat(true), "gemini-2.5-flash").uri().toString()).endsWith(":streamGenerateContent?alt=sse");

        ProviderAdapter global = factory.create("v", config("acme", "global", "ya29.t", null), TestFilterServices.create());
        assertThat(global.toUpstream(chat(false), "gemini-2.5-pro").uri().toString())
                .startsWith("https://aiplatform.googleapis.com/v1/projects/acme/locations/global/");
        assertThat(global.supports(ApiKind.EMBEDDINGS)).isTrue();
        assertThat(global.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"e\",\"input\":\"x\"}"), "text-embedding-005")
                .uri().toString()).isEqualTo("https://aiplatform.googleapis.com/v1/projects/acme/locations/global/publishers/google/models/text-embedding-005:predict");
    }

    @Test
    void configProblemsAreConfigErrors() {
        assertThatThrownBy(() -> factory.create("v", config(null, "us-central1", "t", null), TestFilterServices.create()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("project");
        assertThatThrownBy(() -> factory.create("v", config("acme", "Europe West", "t", null), TestFilterServices.create()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("region");
        assertThatThrownBy(() -> factory.create("v", config("acme", null, "", "/nonexistent/sa.json"), TestFilterServices.create()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("credentials-file");
    }

    @Test
    void withoutCredentialsTheProviderIsDisabledAndSaysWhatIsMissing() throws Exception {
        ProviderAdapter none = factory.create("v", config("acme", null, "", null), TestFilterServices.create());
        assertThat(none.isEnabled()).isFalse();
        assertThat(none.missingCredential()).contains("Vertex AI access token");
        assertThatThrownBy(() -> none.toUpstream(chat(false), "gemini-2.5-flash")).isInstanceOf(GatewayException.class);
    }

    @Test
    void inspectAppliesCreatesRulesButStartsNoTokenRefresher(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("sa.json"), "{}");
        try (DefaultFilterServices services = TestFilterServices.create()) {
            ProviderAdapter inspected = factory.inspect("v", config("acme", null, "", key.toString()), services);
            assertThat(inspected.supports(ApiKind.EMBEDDINGS)).isTrue();
            assertThat(services.existing(VertexTokens.class)).as("no refresher: no thread, no call to Google").isNull();
            assertThatThrownBy(() -> factory.inspect("v", config("acme", null, "", "/nonexistent/sa.json"), services))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("credentials-file"));
            assertThatThrownBy(() -> factory.inspect("v", config(null, null, "t", null), services))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("project"));
        }
    }

    @Test
    void aBadBaseUrlFailsBeforeATokenRefresherStarts(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("sa.json"), "{}");
        ProviderConfig badBase = new ProviderConfig("vertex-ai", "ftp://vertex.internal", Secret.NONE, null, null, null, null, null, "acme",
                null, null, null, null, key.toString());
        try (DefaultFilterServices services = TestFilterServices.create()) {
            assertThatThrownBy(() -> factory.create("v", badBase, services))
                    .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("base-url"));
            assertThat(services.existing(VertexTokens.class)).as("a config that fails to load leaves no refresher behind").isNull();
        }
    }
}
