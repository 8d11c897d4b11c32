package io.tollgate.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.providers.openai.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureOpenAiProviderFactoryTest {

    private static ProviderAdapter azure(String baseUrl, String key, Map<String, String> headers, String apiVersion, Boolean enabled) {
        ProviderConfig config = new ProviderConfig("azure-openai", baseUrl, Secret.of(key), headers, null, null, apiVersion, null, null, null, null, null, enabled, null);
        return new AzureOpenAiProviderFactory().create("azure", config, TestFilterServices.create());
    }

    private static GatewayRequest req(ApiKind api, String json) {
        return OpenAiCodec.INSTANCE.decode(api, json.getBytes(StandardCharsets.UTF_8));
    }

    private static final GatewayRequest STREAMED_CHAT = req(ApiKind.CHAT_COMPLETIONS,
            "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    @Test
    void chatGoesToTheDeploymentWithTheApiVersionAndTheApiKeyHeader() throws Exception {
        ProviderAdapter a = azure("https://my-resource.openai.azure.com/", "azure-secret", Map.of(), null, null);
        UpstreamRequest up = a.toUpstream(STREAMED_CHAT, "gpt-4o-prod");
        assertThat(up.uri()).hasToString("https://my-resource.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version="
                + AzureOpenAiProviderFactory.DEFAULT_API_VERSION);
        assertThat(up.headers().get("api-key")).isEqualTo("azure-secret");
        assertThat(up.headers().get("authorization")).isNull();
        assertThat(up.toString()).doesNotContain("azure-secret");
        // the shared OpenAI translation: usage is requested in the stream
        JsonNode body = Json.parse(up.body());
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(a.isEnabled()).isTrue();
    }

    @Test
    void embeddingsAndCompletionsUseTheirOwnOperationAndAConfiguredVersion() {
        ProviderAdapter a = azure("https://r.openai.azure.com", "k", Map.of(), "2025-04-01-preview", null);
        assertThat(a.toUpstream(req(ApiKind.EMBEDDINGS, "{\"model\":\"e\",\"input\":\"x\"}"), "embed small").uri())
                .hasToString("https://r.openai.azure.com/openai/deployments/embed%20small/embeddings?api-version=2025-04-01-preview");
        assertThat(a.toUpstream(req(ApiKind.COMPLETIONS, "{\"model\":\"c\",\"prompt\":\"x\"}"), "instruct").uri().getPath())
                .isEqualTo("/openai/deployments/instruct/completions");
        assertThat(a.supports(ApiKind.RESPONSES)).isFalse();
        assertThat(a.supports(ApiKind.EMBEDDINGS)).isTrue();
    }

    @Test
    void anEntraTokenInTheHeadersReplacesTheApiKey() {
        ProviderAdapter a = azure("https://r.openai.azure.com", "", Map.of("Authorization", "Bearer eyJ0eXAi"), null, null);
        UpstreamRequest up = a.toUpstream(STREAMED_CHAT, "gpt-4o");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer eyJ0eXAi");
        assertThat(up.headers().get("api-key")).isNull();
        assertThat(a.isEnabled()).isTrue();
    }

    @Test
    void withoutEndpointOrCredentialsItIsDisabledNotBroken() {
        assertThat(azure(null, "k", Map.of(), null, null).isEnabled()).isFalse();
        assertThat(azure("https://r.openai.azure.com", "", Map.of(), null, null).isEnabled()).isFalse();
        assertThatThrownBy(() -> azure("", "k", Map.of(), null, true)).isInstanceOf(ConfigException.class).hasMessageContaining("base-url");
    }

    @Test
    void errorsUseTheOpenAiMapping() {
        ProviderAdapter a = azure("https://r.openai.azure.com", "k", Map.of(), null, null);
        assertThat(a.toError(401, Headers.EMPTY, Fixtures.bytes("openai-error-401-invalid_api_key.json")).failure()).isEqualTo(FailureClass.AUTH);
        assertThat(a.toError(429, Headers.EMPTY, Fixtures.bytes("openai-error-429-rate_limit_exceeded.json")).failure()).isEqualTo(FailureClass.RATE_LIMIT);
    }
}
