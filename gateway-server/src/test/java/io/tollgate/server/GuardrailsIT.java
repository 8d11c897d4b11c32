package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guardrails through the real server and a WireMock upstream: what clients and the upstream see. */
class GuardrailsIT {

    static final Path DATA = Path.of("target", "it-data", "guardrails-" + ProcessHandle.current().pid());

    @RegisterExtension
    @Order(1)
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            providers:
              up: { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-up" }
            models:
              chat: { targets: [ { provider: up, model: gpt-4o-mini } ], retries: { max-attempts: 1 } }
            keys:
              - { id: main, key: "tg-test-key" }
            state: { ledger: "sqlite:DATA/ledger.db", flush-interval: 100ms }
            guardrails:
              - { name: no-cards, match: [credit-card] }
              - { name: mask-email, action: redact, match: [email] }
              - { name: no-aws-out, stage: output, match: [aws-access-key] }
              - { name: mask-phone-out, stage: output, action: redact, match: [phone] }
            """.replace("DATA", DATA.toString())).upstream(upstream::baseUrl);

    static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Done."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}""";

    private static void upstreamAnswers(String contentType, String body) {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", contentType).withBody(body)));
    }

    private static String chat(String content, boolean stream) {
        return Json.object().put("model", "chat").put("stream", stream)
                .set("messages", Json.NODES.arrayNode().add(Json.object().put("role", "user").put("content", content))).toString();
    }

    @Test
    void blockedInputGetsThe400EnvelopeAndTheUpstreamIsNeverCalled() throws Exception {
        upstreamAnswers("application/json", COMPLETION);

        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("charge 4111 1111 1111 1111 please", false));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("guardrail_blocked");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isEqualTo("Blocked by guardrail 'no-cards' (input).");
        assertThat(r.body()).doesNotContain("4111");
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));

        String metrics = gateway.get("/metrics", null).body();
        assertThat(metrics).containsPattern("gateway_guardrail_checks_total\\{guardrail=\"no-cards\",result=\"blocked\",stage=\"input\"} [1-9]");
    }

    @Test
    void redactedInputReachesTheUpstreamRedacted() throws Exception {
        upstreamAnswers("application/json", COMPLETION);

        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("reply to jane.doe@example.com", false));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("Done.");
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        String sent = upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getFirst().getBodyAsString();
        assertThat(Json.MAPPER.readTree(sent).at("/messages/0/content").asText()).isEqualTo("reply to [REDACTED:email]");
        assertThat(sent).doesNotContain("jane.doe");
    }

    @Test
    void anAnthropicClientOnMessagesGetsAnthropicsErrorEnvelope() throws Exception {
        upstreamAnswers("application/json", COMPLETION);
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", GatewayExtension.KEY).header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"chat","max_tokens":50,"system":"The customer's card is 4111-1111-1111-1111.",
                         "messages":[{"role":"user","content":"hello"}]}""")));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/message").asText()).isEqualTo("Blocked by guardrail 'no-cards' (input).");
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void aStreamEndsWithTheSseErrorEventWhenTheAnswerLeaksAKey() throws Exception {
        upstreamAnswers("text/event-stream", """
                data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"The key is AKIAIOSF"}}]}

                data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"ODNN7EXAMPLE, enjoy"}}]}

                data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":8,"total_tokens":18}}

                data: [DONE]

                """);

        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("what is the key?", true));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("The key is AKIAIOSF").doesNotContain("ODNN7EXAMPLE").doesNotContain("[DONE]");
        String last = r.body().strip().lines().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow();
        JsonNode error = Json.MAPPER.readTree(last.substring("data: ".length())).path("error");
        assertThat(error.path("code").asText()).isEqualTo("guardrail_blocked");
        assertThat(error.path("message").asText()).isEqualTo("Blocked by guardrail 'no-aws-out' (output).");
    }

    static final String PHONE_STREAM = """
            data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Call us at 415-5"},"finish_reason":null}]}

            data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"55-2671 or +44 20 "},"finish_reason":null}]}

            data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"7946 0958"},"finish_reason":null}]}

            data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":12,"total_tokens":22}}

            data: [DONE]

            """;

    @Test
    void aRedactGuardrailRewritesAStreamAsItPassesAndTheStreamEndsNormally() throws Exception {
        upstreamAnswers("text/event-stream", PHONE_STREAM);

        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("how do I reach you?", true));

        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = events(r.body());
        String text = chunks.stream().map(c -> c.at("/choices/0/delta/content").asText("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("Call us at [REDACTED:phone] or [REDACTED:phone]");
        assertThat(r.body()).doesNotContain("2671").doesNotContain("0958").contains("data: [DONE]");
        assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.get("/metrics", null).body())
                .contains("gateway_guardrail_checks_total{guardrail=\"mask-phone-out\",result=\"redacted\",stage=\"output\"}"));
    }

    @Test
    void anAnthropicClientReadsTheRedactedStreamInItsOwnEvents() throws Exception {
        upstreamAnswers("text/event-stream", PHONE_STREAM);
        String body = Json.object().put("model", "chat").put("max_tokens", 100).put("stream", true)
                .set("messages", Json.NODES.arrayNode().add(Json.object().put("role", "user").put("content", "how do I reach you?"))).toString();

        HttpResponse<String> r = gateway.post("/v1/messages", body);

        assertThat(r.statusCode()).isEqualTo(200);
        String text = events(r.body()).stream().filter(e -> e.path("type").asText().equals("content_block_delta"))
                .map(e -> e.at("/delta/text").asText("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("Call us at [REDACTED:phone] or [REDACTED:phone]");
        assertThat(r.body()).contains("event: message_stop").doesNotContain("2671");
    }

    /** The JSON payloads of an SSE body's data lines. */
    private static List<JsonNode> events(String sse) {
        return sse.lines().filter(l -> l.startsWith("data: {")).map(l -> {
            try {
                return Json.MAPPER.readTree(l.substring("data: ".length()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }
}
