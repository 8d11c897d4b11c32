package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Anthropic Java SDK ({@code com.anthropic:anthropic-java}) pointed at the gateway's
 * {@code /v1/messages}, served by an OpenAI-shaped upstream (WireMock replaying recorded OpenAI answers):
 * plain and streamed text, tool use in both directions (tool_calls become tool_use blocks with parsed input,
 * tool_result goes back as a tool message), streamed tool use reassembled by the SDK, and a vendor 429
 * surfacing as the SDK's own RateLimitException.
 */
class AnthropicJavaSdkIT {

    @RegisterExtension
    @Order(1)
    static final WireMockExtension openai = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys }
            providers:
              gpt: { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-openai-test" }
            models:
              gpt: { targets: [ { provider: gpt, model: gpt-5-nano } ] }
              # its own target: the 429 test's cooldown must not bench the target the other tests use
              limited: { targets: [ { provider: gpt, model: gpt-5-mini } ] }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/anthropic-java-it.db" }
            """).upstream(openai::baseUrl);

    static AnthropicClient client;

    @BeforeAll
    static void client() {
        // The SDK sends the key as x-api-key and appends /v1/messages to the base URL, as against api.anthropic.com.
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(GatewayExtension.KEY).maxRetries(0).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @BeforeEach
    void reset() {
        openai.resetAll();
    }

    private static void upstreamAnswers(String contentType, String fixture) throws Exception {
        var response = aResponse().withStatus(200).withHeader("content-type", contentType).withBody(ToolCallingSdkIT.fixture(fixture));
        if (contentType.equals("text/event-stream")) {
            response = response.withChunkedDribbleDelay(6, 300); // events split across TCP writes
        }
        openai.stubFor(post("/v1/chat/completions").willReturn(response));
    }

    private static JsonNode lastUpstreamRequest() throws Exception {
        return Json.MAPPER.readTree(openai.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getLast().getBodyAsString());
    }

    private static MessageCreateParams.Builder weatherQuestion() {
        Tool weather = Tool.builder().name("weather").description("Current weather at a location")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("latitude", JsonValue.from(Map.of("type", "string")))
                        .putAdditionalProperty("longitude", JsonValue.from(Map.of("type", "string"))).build()).build())
                .build();
        return MessageCreateParams.builder().model("gpt").maxTokens(512).addUserMessage("What's the weather in Berlin?").addTool(weather);
    }

    @Test
    void plainMessage() throws Exception {
        upstreamAnswers("application/json", "openai-chat-nonstream.json");

        Message m = client.messages().create(MessageCreateParams.builder().model("gpt").maxTokens(256)
                .system("Answer with a number.").addUserMessage("2 + 2?").build());

        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("4");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(13);
        assertThat(m.usage().outputTokens()).isEqualTo(138);
        JsonNode sent = lastUpstreamRequest();
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("2 + 2?");
        assertThat(sent.path("max_completion_tokens").asInt(sent.path("max_tokens").asInt())).isEqualTo(256);
    }

    @Test
    void streamedMessageIsRebuiltByTheSdkAccumulator() throws Exception {
        upstreamAnswers("text/event-stream", "openai-chat-stream-include-usage.sse");

        MessageAccumulator accumulator = MessageAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(MessageCreateParams.builder()
                .model("gpt").maxTokens(256).addUserMessage("Count to 3").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> deltas.append(t.text()));
            });
        }
        Message m = accumulator.message();

        assertThat(deltas.toString()).isEqualTo("1\n2\n3");
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("1\n2\n3");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(lastUpstreamRequest().path("stream").asBoolean()).isTrue();
    }

    @Test
    void toolUseAndToolResultRoundTrip() throws Exception {
        upstreamAnswers("application/json", "openai-chat-nonstream-tool-calls.json");

        Message first = client.messages().create(weatherQuestion().build());

        assertThat(first.stopReason()).contains(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = first.content().stream().flatMap(b -> b.toolUse().stream()).toList();
        assertThat(uses).extracting(ToolUseBlock::name).containsExactly("weather", "best_language_to_learn");
        ToolUseBlock weather = uses.get(0);
        assertThat(weather.id()).isEqualTo("call_GOotzq3y3C45fdLNjm8SXXRo");
        JsonNode input = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(weather._input()));
        assertThat(input.path("latitude").asText()).isEqualTo("52.5200"); // arguments arrive parsed, not as a string
        JsonNode firstSent = lastUpstreamRequest();
        assertThat(firstSent.path("tools").get(0).path("function").path("name").asText()).isEqualTo("weather");
        assertThat(firstSent.path("tools").get(0).path("function").path("parameters").path("properties").has("latitude")).isTrue();

        // second turn: the assistant's tool_use and the user's tool_result go upstream as an OpenAI tool exchange
        upstreamAnswers("application/json", "openai-chat-nonstream.json");
        Message second = client.messages().create(weatherQuestion().addMessage(first).addUserMessageOfContentBlockParams(List.of(
                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(weather.id()).content("12 °C, light rain").build()),
                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder().toolUseId(uses.get(1).id()).content("Java").build())))
                .build());

        assertThat(second.content().stream().flatMap(b -> b.text().stream()).findFirst().orElseThrow().text()).isEqualTo("4");
        JsonNode sent = lastUpstreamRequest().path("messages");
        JsonNode assistant = sent.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo(weather.id());
        assertThat(Json.MAPPER.readTree(assistant.path("tool_calls").get(0).path("function").path("arguments").asText())
                .path("longitude").asText()).isEqualTo("13.4050");
        assertThat(sent.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(sent.get(2).path("tool_call_id").asText()).isEqualTo(weather.id());
        assertThat(sent.get(2).path("content").toString()).contains("12 °C, light rain");
        assertThat(sent.get(3).path("tool_call_id").asText()).isEqualTo(uses.get(1).id());
    }

    @Test
    void streamedToolUseIsReassembledFromInputJsonDeltas() throws Exception {
        upstreamAnswers("text/event-stream", "openai-chat-stream-tool-calls.sse");

        MessageAccumulator accumulator = MessageAccumulator.create();
        boolean[] sawInputJsonDelta = {false};
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(weatherQuestion().build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().flatMap(d -> d.delta().inputJson()).ifPresent(j -> sawInputJsonDelta[0] = true);
            });
        }
        Message m = accumulator.message();

        assertThat(sawInputJsonDelta[0]).isTrue();
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = m.content().stream().map(ContentBlock::toolUse).flatMap(java.util.Optional::stream).findFirst().orElseThrow();
        assertThat(use.name()).isEqualTo("weather");
        JsonNode input = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(use._input()));
        assertThat(input.isObject()).isTrue();
        assertThat(input.size()).isPositive();
    }

    @Test
    void anUpstreamRateLimitIsTheSdksRateLimitException() throws Exception {
        openai.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429).withHeader("content-type", "application/json")
                .withHeader("retry-after", "7").withBody(ToolCallingSdkIT.fixture("openai-error-429-rate_limit_exceeded.json"))));

        assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("limited").maxTokens(64).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    // Anthropic's envelope: {"type":"error","error":{"type":"rate_limit_error","message":...}}
                    JsonNode body = Json.MAPPER.valueToTree(e.body());
                    assertThat(body.path("type").asText()).isEqualTo("error");
                    assertThat(body.path("error").path("type").asText()).isEqualTo("rate_limit_error");
                    assertThat(body.path("error").path("message").asText()).isNotBlank().doesNotContain("sk-openai-test");
                });
    }
}
