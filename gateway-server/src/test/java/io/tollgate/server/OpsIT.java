package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.accesslog.AccessLog;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Health, metrics and the admin API's guard: what operators and Prometheus rely on. */
class OpsIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, access-log: true }
            auth: { mode: keys, admin-key: "admin-test-key" }
            providers: { mock: { type: mock }, openai: { type: openai, api-key: "" } }
            models:
              mock-chat: { targets: [ { provider: mock, model: mock-1 } ] }
              gpt: { targets: [ { provider: openai, model: gpt-4o-mini } ] }
              other: { targets: [ { provider: mock, model: mock-1 } ] }
            keys: [ { id: test, key: "tg-test-key", models: [mock-chat, gpt] } ]
            state: { ledger: "sqlite:target/it-data/ops-it.db" }
            """);

    @Test
    void liveAndReady() throws Exception {
        assertThat(gateway.get("/health/live", null).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = gateway.get("/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ready.body()).path("status").asText()).isEqualTo("ready");
        // the ledger database is probed in the background; no Redis is configured, so none is listed
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Json.MAPPER.readTree(gateway.get("/health/ready", null).body())
                .path("stores").toString()).isEqualTo("{\"ledger\":\"reachable\"}"));
    }

    @Test
    void theAccessLogHasOneJsonLinePerRequestTiedToItsRequestId() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER_NAME);
        access.addAppender(lines);
        try {
            HttpResponse<String> ok = gateway.post("/v1/chat/completions", "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            HttpResponse<String> refused = gateway.post("/v1/chat/completions", "{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            HttpResponse<String> unparsable = gateway.post("/v1/chat/completions", "{\"model\": ");
            String okId = ok.headers().firstValue("x-request-id").orElseThrow();
            String refusedId = refused.headers().firstValue("x-request-id").orElseThrow();

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(lines.list).hasSize(3));
            JsonNode first = Json.MAPPER.readTree(lines.list.get(0).getFormattedMessage());
            JsonNode second = Json.MAPPER.readTree(lines.list.get(1).getFormattedMessage());
            assertThat(first.path("request_id").asText()).isEqualTo(okId);
            assertThat(first.path("status").asInt()).isEqualTo(200);
            assertThat(first.path("key").asText()).isEqualTo("test");
            assertThat(first.path("provider").asText()).isEqualTo("mock");
            assertThat(first.path("duration_ms").asDouble()).isPositive();
            assertThat(second.path("request_id").asText()).isEqualTo(refusedId);
            assertThat(second.path("status").asInt()).isEqualTo(refused.statusCode()).isEqualTo(403);
            // refused before the chain (the body does not parse): a shorter line, still tied to its request id
            JsonNode third = Json.MAPPER.readTree(lines.list.get(2).getFormattedMessage());
            assertThat(unparsable.statusCode()).isEqualTo(400);
            assertThat(third.path("request_id").asText()).isEqualTo(unparsable.headers().firstValue("x-request-id").orElseThrow());
            assertThat(third.path("api").asText()).isEqualTo("/v1/chat/completions");
            assertThat(third.path("status").asInt()).isEqualTo(400);
            assertThat(third.path("error").asText()).isEqualTo(Json.MAPPER.readTree(unparsable.body()).at("/error/code").asText()).isNotEmpty();
            assertThat(lines.list.get(0).getFormattedMessage()).doesNotContain("tg-test-key");
        } finally {
            access.detachAppender(lines);
        }
    }

    @Test
    void metricsExposeTheSpecMetersInPrometheusFormat() throws Exception {
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                .isEqualTo(200);
        // the request's meters are counted right after its answer is written, so a scrape may come first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(gateway.get("/metrics", null).body())
                .contains("gateway_requests_total{model=\"mock-chat\",provider=\"mock\",status=\"200\"}"));
        HttpResponse<String> r = gateway.get("/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        String text = r.body();
        assertThat(text).contains(
                "gateway_requests_total{model=\"mock-chat\",provider=\"mock\",status=\"200\"}",
                "gateway_request_duration_seconds_bucket",
                "gateway_overhead_seconds_bucket",
                "gateway_active_requests",
                "gateway_filter_duration_seconds_count{filter=\"auth\"}",
                "jvm_memory_used_bytes",
                "netty_allocator_memory_used");
        // Virtual keys and user ids never become label values.
        assertThat(text).doesNotContain("tg-test-key");
        assertThat(promtoolCheck(text)).as("promtool check metrics").isTrue();
    }

    @Test
    void modelsListsOnlyWhatTheKeyMayUse() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/models", GatewayExtension.KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        // 'other' is not allowed for this key; 'gpt' is allowed but its provider has no key
        assertThat(Json.MAPPER.readTree(r.body()).path("data").findValuesAsText("id")).containsExactly("mock-chat");
        assertThat(gateway.get("/v1/models", null).statusCode()).isEqualTo(401);
        // one model: the same rule, and the same 404 for a model the key may not use as for one that does not exist
        assertThat(gateway.get("/v1/models/mock-chat", GatewayExtension.KEY).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/v1/models/other", GatewayExtension.KEY).statusCode()).isEqualTo(404);
        assertThat(gateway.get("/v1/models/gpt", GatewayExtension.KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void adminNeedsTheAdminKey() throws Exception {
        assertThat(gateway.get("/admin/config", null).statusCode()).isEqualTo(401);
        assertThat(gateway.get("/admin/config", GatewayExtension.KEY).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = gateway.get("/admin/config", GatewayExtension.ADMIN_KEY);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("mock-chat").doesNotContain("tg-test-key");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String body = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String one = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\ncontent-type: application/json\r\n"
                + "x-request-id: first\r\ncontent-length: " + body.length() + "\r\n\r\n" + body;
        String two = one.replace("x-request-id: first", "x-request-id: second").replace("HTTP/1.1\r\nhost", "HTTP/1.1\r\nconnection: close\r\nhost");
        try (var s = new java.net.Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write((one + two).getBytes());
            String answer = new String(s.getInputStream().readAllBytes());
            assertThat(answer.indexOf("x-request-id: first")).isPositive().isLessThan(answer.indexOf("x-request-id: second"));
            assertThat(answer.split("HTTP/1.1 200").length - 1).isEqualTo(2);
        }
    }

    /** Runs Debian's promtool when present (CI installs it); otherwise checks the exposition basics. */
    static boolean promtoolCheck(String text) throws Exception {
        String promtool = new File("/usr/bin/promtool").canExecute() ? "/usr/bin/promtool" : null;
        if (promtool == null) {
            return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .allMatch(l -> l.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? [-+0-9.eEInfNa]+"));
        }
        Path file = Files.createTempFile("metrics", ".txt");
        Files.writeString(file, text);
        Process p = new ProcessBuilder("sh", "-c", promtool + " check metrics < " + file).redirectErrorStream(true).start();
        p.waitFor(30, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes());
        Files.deleteIfExists(file);
        if (p.exitValue() != 0) {
            System.err.println(out);
        }
        return p.exitValue() == 0;
    }
}
