package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tracing through the real server: a WireMock OpenAI upstream sees the caller's trace continue in its
 * {@code traceparent}, and a second WireMock standing in for an OpenTelemetry Collector receives the
 * spans as OTLP/HTTP protobuf.
 */
class TracingIT {

    static final Path DATA = Path.of("target", "it-data", "tracing-" + ProcessHandle.current().pid());

    @RegisterExtension
    @Order(1)
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @Order(2)
    static final WireMockExtension collector = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .resetOnEachTest(false).build();   // exports arrive whenever their batch is due, across tests

    @RegisterExtension
    @Order(3)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            providers:
              up: { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-up" }
            models:
              chat: { targets: [ { provider: up, model: gpt-4o-mini } ], retries: { max-attempts: 1 } }
            keys:
              - { id: main, key: "tg-test-key" }
            state: { ledger: "sqlite:DATA/ledger.db", flush-interval: 100ms }
            tracing:
              enabled: true
              endpoint: "@COLLECTOR@/v1/traces"
              service-name: tollgate-it
              export-interval: 200ms
              headers: { x-collector-token: "${COLLECTOR_TOKEN}" }
            """.replace("DATA", DATA.toString()))
            .upstream(upstream::baseUrl)
            .replace("@COLLECTOR@", collector::baseUrl)
            .env(java.util.Map.of("COLLECTOR_TOKEN", "otlp-secret"));

    static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Done."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}""";

    @BeforeAll
    static void collectorAccepts() {
        collector.stubFor(post("/v1/traces").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/x-protobuf")));
    }

    private static String chat(String content) {
        return Json.object().put("model", "chat")
                .set("messages", Json.NODES.arrayNode().add(Json.object().put("role", "user").put("content", content))).toString();
    }

    private static HttpResponse<String> call(String traceparent, String key, String content) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("content-type", "application/json").header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString(chat(content)));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return gateway.send(b);
    }

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-00f067aa0ba902b7-01";
    }

    /** The OTLP export that carries {@code traceId} (as its 16 raw bytes, the protobuf encoding of a span's trace_id). */
    private static Optional<ServeEvent> exportWith(String traceId) {
        byte[] id = HexFormat.of().parseHex(traceId);
        return collector.getAllServeEvents().stream().filter(e -> indexOf(e.getRequest().getBody(), id) >= 0).findFirst();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean contains(byte[] body, String text) {
        return indexOf(body, text.getBytes(StandardCharsets.UTF_8)) >= 0;
    }

    @Test
    void theUpstreamContinuesTheCallersTrace() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(COMPLETION)));
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";

        HttpResponse<String> r = call(traceparent(trace), GatewayExtension.KEY, "hello");

        assertThat(r.statusCode()).isEqualTo(200);
        // same trace, the gateway's own (attempt) span as the parent, still sampled
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("traceparent", matching("00-" + trace + "-[0-9a-f]{16}-01")));
        String sent = upstream.getAllServeEvents().getFirst().getRequest().getHeader("traceparent");
        assertThat(sent).doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void spansReachTheCollectorAsOtlpProtobuf() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(COMPLETION)));
        String served = "0af7651916cd43dd8448eb211c80319c";
        String refused = "b7ad6b7169203331b7ad6b7169203331";

        assertThat(call(traceparent(served), GatewayExtension.KEY, "a secret prompt").statusCode()).isEqualTo(200);
        assertThat(call(traceparent(refused), null, "hello").statusCode()).isEqualTo(401);

        ServeEvent export = await().atMost(Duration.ofSeconds(10)).until(() -> exportWith(served), Optional::isPresent).orElseThrow();
        assertThat(export.getRequest().getUrl()).isEqualTo("/v1/traces");
        assertThat(export.getRequest().getHeader("content-type")).isEqualTo("application/x-protobuf");
        assertThat(export.getRequest().getHeader("x-collector-token")).isEqualTo("otlp-secret");
        byte[] body = export.getRequest().getBody();
        assertThat(contains(body, "tollgate-it")).as("service.name").isTrue();
        assertThat(contains(body, "chat chat")).as("server span name").isTrue();
        assertThat(contains(body, "chat gpt-4o-mini")).as("attempt span name").isTrue();
        assertThat(contains(body, "gen_ai.usage.input_tokens")).isTrue();
        assertThat(contains(body, "a secret prompt")).as("prompt text").isFalse();
        assertThat(contains(body, GatewayExtension.KEY)).as("the key").isFalse();
        assertThat(contains(body, "sk-up")).as("the vendor key").isFalse();

        ServeEvent refusal = await().atMost(Duration.ofSeconds(10)).until(() -> exportWith(refused), Optional::isPresent).orElseThrow();
        assertThat(contains(refusal.getRequest().getBody(), "invalid_api_key")).isTrue();
        List<String> paths = collector.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).distinct().toList();
        assertThat(paths).containsExactly("/v1/traces");

        // what became of the spans is on /metrics: these were exported, none dropped
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gateway.get("/metrics", null).body())
                .containsPattern("gateway_tracing_spans_total\\{outcome=\"exported\"} [1-9]")
                .contains("gateway_tracing_spans_total{outcome=\"dropped\"} 0.0"));
    }
}
