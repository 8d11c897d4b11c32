package io.tollgate.core.routing;

import static io.tollgate.core.routing.RouterHarness.model;
import static io.tollgate.core.routing.RouterHarness.target;
import static io.tollgate.core.routing.ScriptedTransport.unary;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.ModelConfig.Routing;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingAdminTest {

    @Test
    void showsEachTargetsLiveHealth() throws Exception {
        RouterHarness h = new RouterHarness();
        h.route(model(Routing.LEAST_LATENCY, 1, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(Duration.ofMillis(250), 200, "{}")).on("b", unary(429, "slow", "retry-after", "7"));
        h.unary();
        h.unary();
        RoutingAdmin.register(h.router.routes(), h.services);

        AdminResponse response = h.services.shared(AdminRoutes.class, AdminRoutes::new)
                .dispatch("GET", "/admin/routing", p -> new AdminRequest("GET", "/admin/routing", p, Map.of(), Headers.EMPTY, new byte[0]))
                .toCompletableFuture().join();

        assertThat(response.status()).isEqualTo(200);
        JsonNode chat = Json.parse(response.body()).path("models").path("chat");
        assertThat(chat.path("routing").asText()).isEqualTo("least-latency");
        JsonNode a = chat.path("targets").get(0);
        JsonNode b = chat.path("targets").get(1);
        assertThat(a.path("provider").asText()).isEqualTo("a");
        assertThat(a.path("breaker").asText()).isEqualTo("closed");
        assertThat(a.path("latency_ms").asDouble()).isEqualTo(250.0);
        assertThat(b.path("latency_ms").isNull()).isTrue();
        assertThat(b.path("cooldown_ms").asLong()).isEqualTo(7000);
        assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("sk-");   // no credentials
    }
}
