package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import io.tollgate.server.testing.NodeScript;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tool calling across formats with the official SDKs, plain and streamed: the OpenAI Java SDK against
 * an Anthropic upstream, and the Anthropic npm SDK on /v1/messages against an OpenAI upstream (WireMock
 * replaying recorded vendor answers).
 */
class ToolCallingSdkIT {

    @RegisterExtension
    @Order(1)
    static final WireMockExtension anthropic = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys }
            providers:
              claude: { type: anthropic, base-url: "@UPSTREAM@", api-key: "sk-ant-test" }
              gpt:    { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-openai-test" }
            models:
              claude: { targets: [ { provider: claude, model: claude-haiku-4-5 } ] }
              gpt:    { targets: [ { provider: gpt, model: gpt-5-nano } ] }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/tools-it.db" }
            """).upstream(anthropic::baseUrl);

    static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(GatewayExtension.KEY).maxRetries(0).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static String fixture(String name) throws Exception {
        try (InputStream in = ToolCallingSdkIT.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ChatCompletionCreateParams.Builder weatherRequest() {
        FunctionParameters params = FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                        "latitude", Map.of("type", "string"), "longitude", Map.of("type", "string"))))
                .build();
        return ChatCompletionCreateParams.builder().model("claude").addUserMessage("What's the weather in Berlin?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("weather").description("Current weather at a location").parameters(params).build()).build());
    }

    @Test
    void openAiToolsReachAnthropicAndToolUseComesBackAsToolCalls() throws Exception {
        anthropic.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withBody(fixture("anthropic-messages-nonstream-tool-use.json"))));

        ChatCompletion c = client.chat().completions().create(weatherRequest().build());

        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
        ChatCompletionMessageToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertThat(call.asFunction().function().name()).isEqualTo("weather");
        assertThat(Json.MAPPER.readTree(call.asFunction().function().arguments()).path("latitude").asText()).isEqualTo("52.5200");
        JsonNode sent = Json.MAPPER.readTree(anthropic.findAll(postRequestedFor(urlEqualTo("/v1/messages"))).getLast().getBodyAsString());
        assertThat(sent.path("tools").get(0).path("name").asText()).isEqualTo("weather");
        assertThat(sent.path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
    }

    @Test
    void streamedToolUseIsReassembledByTheSdk() throws Exception {
        anthropic.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream")
                .withBody(fixture("anthropic-messages-stream-tool-use.sse")).withChunkedDribbleDelay(6, 300)));

        StringBuilder name = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        String[] finish = {""};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(weatherRequest().build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> {
                choice.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> tc.function().ifPresent(f -> {
                    f.name().ifPresent(name::append);
                    f.arguments().ifPresent(arguments::append);
                })));
                choice.finishReason().ifPresent(r -> finish[0] = r.asString());
            }));
        }
        assertThat(name.toString()).isEqualTo("weather");
        assertThat(Json.MAPPER.readTree(arguments.toString()).isObject()).isTrue();
        assertThat(finish[0]).isEqualTo("tool_calls");
    }

    @Test
    void anthropicSdkToolsOnMessagesAreServedByAnOpenAiUpstream() throws Exception {
        anthropic.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withBody(fixture("openai-chat-nonstream-tool-calls.json"))));

        JsonNode result = NodeScript.run("anthropic-tools.mjs", "@anthropic-ai/sdk", Map.of("TOLLGATE_BASE_URL", gateway.baseUrl(),
                "TOLLGATE_KEY", GatewayExtension.KEY, "TOLLGATE_MODEL", "gpt", "TOLLGATE_STREAM", "0"));

        assertThat(result.path("stop").asText()).isEqualTo("tool_use");
        assertThat(result.path("tools")).hasSize(2);
        assertThat(result.path("tools").get(0).path("input").isObject()).isTrue();
        JsonNode sent = Json.MAPPER.readTree(anthropic.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getLast().getBodyAsString());
        assertThat(sent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("weather");
        assertThat(sent.path("tools").get(0).path("function").path("parameters").path("type").asText()).isEqualTo("object");
    }

    @Test
    void anthropicSdkStreamedToolsFromAnOpenAiUpstream() throws Exception {
        anthropic.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream")
                .withBody(fixture("openai-chat-stream-tool-calls.sse")).withChunkedDribbleDelay(5, 250)));

        JsonNode result = NodeScript.run("anthropic-tools.mjs", "@anthropic-ai/sdk", Map.of("TOLLGATE_BASE_URL", gateway.baseUrl(),
                "TOLLGATE_KEY", GatewayExtension.KEY, "TOLLGATE_MODEL", "gpt", "TOLLGATE_STREAM", "1"));

        assertThat(result.path("stop").asText()).isEqualTo("tool_use");
        assertThat(result.path("tools")).isNotEmpty();
        assertThat(result.path("tools").get(0).path("name").asText()).isNotBlank();
        assertThat(result.path("tools").get(0).path("input").isObject()).isTrue();
    }
}
