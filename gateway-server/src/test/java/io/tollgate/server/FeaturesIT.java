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
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import io.tollgate.server.testing.NodeScript;
import java.util.Map;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The filter chain through the real server: keys, limits, budgets, metering and the ledger, the
 * cache, prompt injection, and Anthropic clients on /v1/messages routed to an OpenAI-shaped upstream.
 */
class FeaturesIT {

    static final Path DATA = Path.of("target", "it-data", "features-" + ProcessHandle.current().pid());

    static {
        try {
            Files.createDirectories(DATA.resolve("prompts"));
            Files.writeString(DATA.resolve("prompts").resolve("greeter.yaml"), """
                    id: greeter
                    labels: { production: 1 }
                    versions:
                      1: { model: priced, params: { temperature: 0 }, messages: [ { role: system, content: "You greet for {{company}}. Say \\"hi\\" & smile." } ] }
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    @Order(1)
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys, admin-key: "admin-test-key" }
            providers:
              mock: { type: mock }
              up:   { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-up" }
            models:
              mock-chat: { targets: [ { provider: mock, model: mock-1 } ] }
              priced:    { targets: [ { provider: up, model: gpt-4o-mini } ], retries: { max-attempts: 1 } }
            teams:
              t1: { budget: { usd: 1000, period: monthly } }
            keys:
              - { id: main, key: "tg-test-key", team: t1 }
              - { id: limited, key: "tg-limited", limits: { rpm: 2 } }
              - { id: poor, key: "tg-poor", budget: { usd: 0.0002, period: daily } }
            cache: { enabled: true, backend: memory, ttl: 1h }
            prompts: { dir: "DATA/prompts", labels-file: "DATA/labels.json" }
            state: { ledger: "sqlite:DATA/ledger.db", flush-interval: 100ms }
            """.replace("DATA", DATA.toString())).upstream(upstream::baseUrl);

    static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}""";

    static HttpResponse<String> call(String key, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gateway.send(b);
    }

    @Test
    void rpmLimitAnswers429WithRetryAfterAndOpenAiHeaders() throws Exception {
        String body = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"rate\"}]}";
        HttpResponse<String> first = call("tg-limited", body);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(call("tg-limited", body).statusCode()).isEqualTo(200);
        HttpResponse<String> third = call("tg-limited", body);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(Json.MAPPER.readTree(third.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(Long.parseLong(third.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    }

    @Test
    void costIsMeteredIntoTheHeaderTheLedgerAndTheSpendReport() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(COMPLETION)));

        HttpResponse<String> r = call(GatewayExtension.KEY, "{\"model\":\"priced\",\"messages\":[{\"role\":\"user\",\"content\":\"cost\"}]}",
                "x-gateway-user", "alice", "x-gateway-tags", "feature=search");

        assertThat(r.statusCode()).isEqualTo(200);
        // gpt-4o-mini: 1000 input at $0.15/M + 500 output at $0.60/M = $0.00045
        assertThat(Double.parseDouble(r.headers().firstValue("x-gateway-cost-usd").orElseThrow())).isEqualTo(0.00045);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> spend = gateway.get("/admin/spend?group_by=tag:feature", GatewayExtension.ADMIN_KEY);
            assertThat(spend.statusCode()).isEqualTo(200);
            JsonNode search = null;
            for (JsonNode row : Json.MAPPER.readTree(spend.body()).path("data")) {
                if (row.path("group").asText().equals("search")) {
                    search = row;
                }
            }
            assertThat(search).isNotNull();
            assertThat(search.path("cost_usd").asDouble()).isGreaterThanOrEqualTo(0.00045);
        });
        HttpResponse<String> csv = gateway.get("/admin/spend?group_by=user&format=csv", GatewayExtension.ADMIN_KEY);
        assertThat(csv.body()).contains("alice");
    }

    @Test
    void aSpentBudgetAnswers402() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(COMPLETION)));
        int status = 200;
        String body = "";
        for (int i = 0; i < 4 && status == 200; i++) {
            HttpResponse<String> r = call("tg-poor", "{\"model\":\"priced\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"spend\"}]}");
            status = r.statusCode();
            body = r.body();
        }
        assertThat(status).isEqualTo(402);
        assertThat(Json.MAPPER.readTree(body).path("error").path("code").asText()).isEqualTo("budget_exceeded");
    }

    @Test
    void repeatedRequestsAreServedFromCacheIncludingAsAStream() throws Exception {
        String body = "{\"model\":\"mock-chat\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}";
        HttpResponse<String> miss = call(GatewayExtension.KEY, body);
        HttpResponse<String> hit = call(GatewayExtension.KEY, body);
        assertThat(miss.headers().firstValue("x-gateway-cache")).hasValue("miss");
        assertThat(hit.headers().firstValue("x-gateway-cache")).hasValue("hit");
        assertThat(hit.headers().firstValue("x-gateway-provider")).isPresent().isEqualTo(miss.headers().firstValue("x-gateway-provider"));
        assertThat(hit.headers().firstValue("x-gateway-model")).isPresent().isEqualTo(miss.headers().firstValue("x-gateway-model"));
        assertThat(hit.headers().firstValue("x-gateway-attempts")).hasValue("0");
        assertThat(hit.headers().firstValue("x-gateway-cost-usd")).hasValue("0");
        assertThat(Json.MAPPER.readTree(hit.body()).path("choices")).isEqualTo(Json.MAPPER.readTree(miss.body()).path("choices"));
        assertThat(call(GatewayExtension.KEY, body, "x-gateway-cache", "no-cache").headers().firstValue("x-gateway-cache")).hasValue("bypass");

        // The same question streamed is replayed from the cached answer as valid SSE, parsed by the official SDK.
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(GatewayExtension.KEY).maxRetries(0).build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("mock-chat").temperature(0.0).addUserMessage("cache me").build())) {
            StringBuilder text = new StringBuilder();
            stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            assertThat(text.toString()).isEqualTo(Json.MAPPER.readTree(miss.body()).path("choices").get(0).path("message").path("content").asText());
        } finally {
            client.close();
        }
    }

    @Test
    void promptVersionsAreRenderedBeforeTheClientsMessages() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(COMPLETION)));

        HttpResponse<String> r = call(GatewayExtension.KEY, """
                {"prompt":{"id":"greeter","label":"production","variables":{"company":"Acme <Corp>"}},
                 "messages":[{"role":"user","content":"hello"}]}""");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-prompt")).hasValue("greeter@1");
        JsonNode sent = Json.MAPPER.readTree(upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).getLast().getBodyAsString());
        assertThat(sent.has("prompt")).isFalse();
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("You greet for Acme <Corp>. Say \"hi\" & smile.");
        assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("hello");

        HttpResponse<String> missing = call(GatewayExtension.KEY, "{\"prompt\":{\"id\":\"greeter\",\"label\":\"production\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("company");
    }

    @Test
    void anthropicSdkOnMessagesReachesAnOpenAiShapedProvider() throws Exception {
        JsonNode result = NodeScript.run("anthropic-client.mjs", "@anthropic-ai/sdk", Map.of("TOLLGATE_BASE_URL", gateway.baseUrl(),
                "TOLLGATE_KEY", GatewayExtension.KEY, "TOLLGATE_MODEL", "mock-chat"));
        assertThat(result.path("plainType").asText()).isEqualTo("message");
        assertThat(result.path("plainText").asText()).startsWith("Mock answer");
        assertThat(result.path("plainStop").asText()).isEqualTo("end_turn");
        assertThat(result.path("plainUsage").path("output_tokens").asInt()).isPositive();
        assertThat(result.path("streamText").asText()).startsWith("Mock answer");
        assertThat(result.path("streamEvents").toString()).contains("message_start", "content_block_delta", "message_stop");
        assertThat(result.path("streamUsage").path("output_tokens").asInt()).isPositive();
        assertThat(result.path("errorStatus").asInt()).isEqualTo(404);
        assertThat(result.path("errorType").asText()).isEqualTo("not_found_error");
    }

    @Test
    void keysCreatedThroughTheAdminApiAreUsableOnceAndLimited() throws Exception {
        HttpResponse<String> created = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/admin/keys"))
                .header("authorization", "Bearer " + GatewayExtension.ADMIN_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"runtime-key\",\"models\":[\"mock-chat\"],\"limits\":{\"rpm\":1}}")));
        assertThat(created.statusCode()).isEqualTo(201);
        String key = Json.MAPPER.readTree(created.body()).path("key").asText();
        assertThat(key).startsWith("tg-");

        String body = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"runtime\"}]}";
        assertThat(call(key, body).statusCode()).isEqualTo(200);
        assertThat(call(key, body).statusCode()).as("the key's own rpm: 1").isEqualTo(429);

        HttpResponse<String> listed = gateway.get("/admin/keys", GatewayExtension.ADMIN_KEY);
        assertThat(listed.body()).contains("runtime-key").doesNotContain(key);
        HttpResponse<String> revoked = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/admin/keys/runtime-key"))
                .header("authorization", "Bearer " + GatewayExtension.ADMIN_KEY).DELETE());
        assertThat(revoked.statusCode()).isBetween(200, 204);
        assertThat(call(key, body).statusCode()).isEqualTo(401);
    }
}
