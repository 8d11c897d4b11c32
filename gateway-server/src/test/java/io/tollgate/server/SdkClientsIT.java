package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import io.tollgate.server.testing.NodeScript;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official OpenAI SDKs (Java and Node) pointed at the gateway change nothing but the base URL. */
class SdkClientsIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models:
              mock-chat:  { targets: [ { provider: mock, model: mock-1 } ] }
              mock-embed: { targets: [ { provider: mock, model: mock-embed-1 } ] }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/sdk-it.db" }
            """);

    static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(GatewayExtension.KEY).maxRetries(0).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void javaSdkPlainChat() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("mock-chat").addUserMessage("Say hello").build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
    }

    @Test
    void javaSdkStreamingChat() {
        StringBuilder text = new StringBuilder();
        long[] usageTokens = {0};
        int[] chunks = {0};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("mock-chat").addUserMessage("Count to three")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunks[0]++;
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usageTokens[0] = u.totalTokens());
            });
        }
        assertThat(chunks[0]).isGreaterThan(2);
        assertThat(text.toString()).isNotBlank();
        assertThat(usageTokens[0]).isPositive();
    }

    @Test
    void javaSdkEmbeddings() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("mock-embed").input("hello world").build());
        assertThat(r.data()).hasSize(1);
        assertThat(r.data().get(0).embedding()).isNotEmpty();
    }

    @Test
    void javaSdkSeesGatewayErrorsAsTypedExceptions() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model").addUserMessage("x").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-model");
    }

    @Test
    void nodeOpenAiPackage() throws Exception {
        JsonNode result = NodeScript.run("openai-client.mjs", "openai", Map.of("TOLLGATE_BASE_URL", gateway.baseUrl() + "/v1",
                "TOLLGATE_KEY", GatewayExtension.KEY, "TOLLGATE_MODEL", "mock-chat"));
        assertThat(result.path("plainContent").asText()).isNotBlank();
        assertThat(result.path("plainUsage").path("total_tokens").asInt()).isPositive();
        assertThat(result.path("streamContent").asText()).isNotBlank();
        assertThat(result.path("streamUsage").path("total_tokens").asInt()).isPositive();
        assertThat(result.path("errorStatus").asInt()).isEqualTo(404);
        assertThat(result.path("models").toString()).contains("mock-chat", "mock-embed");
    }
}
