package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /health/ready reports the stores; it fails only when a store is down that the gateway cannot serve without. */
class ReadinessIT {

    private static final String CONFIG = """
            server: { port: 0 }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key", limits: { rpm: 100 } } ]
            state: { ledger: "sqlite:target/it-data/readiness-%s-it.db", redis: "redis://127.0.0.1:1", on-redis-error: %s }
            """;

    static JsonNode awaitRedisProbed(GatewayExtension gateway, int status) {
        JsonNode[] body = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> r = gateway.get("/health/ready", null);
            body[0] = Json.MAPPER.readTree(r.body());
            assertThat(body[0].path("stores").path("redis").asText()).isEqualTo("unreachable");
            assertThat(r.statusCode()).isEqualTo(status);
        });
        return body[0];
    }

    @Nested
    class FailClosed {
        @RegisterExtension
        static final GatewayExtension gateway = GatewayExtension.withConfig(CONFIG.formatted("closed", "closed"));

        @Test
        void aDownRedisThatWouldFailEveryRequestTakesTheReplicaOutOfTheLoadBalancer() {
            JsonNode body = awaitRedisProbed(gateway, 503);
            assertThat(body.path("status").asText()).isEqualTo("not_ready");
            assertThat(body.path("stores").path("ledger").asText()).isEqualTo("reachable");
            assertThat(body.toString()).doesNotContain("127.0.0.1:1"); // no store address in a public probe
        }
    }

    @Nested
    class FailOpen {
        @RegisterExtension
        static final GatewayExtension gateway = GatewayExtension.withConfig(CONFIG.formatted("open", "open"));

        @Test
        void aDownRedisInFailOpenModeIsReportedButTheReplicaStaysReady() throws Exception {
            JsonNode body = awaitRedisProbed(gateway, 200);
            assertThat(body.path("status").asText()).isEqualTo("degraded");
            assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .statusCode()).as("it still serves").isEqualTo(200);
        }
    }
}
