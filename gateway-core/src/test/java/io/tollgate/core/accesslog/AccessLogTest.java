package io.tollgate.core.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.ServerConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void aServedRequestIsOneJsonLineOfIdsCountsAndTimings() throws Exception {
        DefaultExchange ex = TestExchange.chat("chat", "my secret question");
        ex.principal(new Principal("search-backend", "search", List.of(), Map.of()));
        var r = ex.record();
        r.user("alice");
        r.tags().put("feature", "summary");
        r.alias("chat");
        r.provider("openai");
        r.upstreamModel("gpt-4o-mini");
        r.attempts(2);
        r.usage(TokenUsage.of(1200, 300));
        r.costUsd(0.00036);
        r.cache("miss");
        r.addUpstreamNanos(41_500_000);
        r.end(r.startNanos() + 42_250_000);

        JsonNode line = Json.MAPPER.readTree(AccessLog.line(ex, Completion.SUCCESS, clock));

        assertThat(line.path("ts").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(line.path("request_id").asText()).isEqualTo("req-test");
        assertThat(line.path("api").asText()).isEqualTo("/v1/chat/completions");
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.has("error")).isFalse();
        assertThat(line.path("key").asText()).isEqualTo("search-backend");
        assertThat(line.path("team").asText()).isEqualTo("search");
        assertThat(line.path("user").asText()).isEqualTo("alice");
        assertThat(line.at("/tags/feature").asText()).isEqualTo("summary");
        assertThat(line.path("model").asText()).isEqualTo("chat");
        assertThat(line.path("provider").asText()).isEqualTo("openai");
        assertThat(line.path("upstream_model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(line.path("stream").asBoolean()).isFalse();
        assertThat(line.path("attempts").asInt()).isEqualTo(2);
        assertThat(line.path("cache").asText()).isEqualTo("miss");
        assertThat(line.path("input_tokens").asLong()).isEqualTo(1200);
        assertThat(line.path("output_tokens").asLong()).isEqualTo(300);
        assertThat(line.path("cost_usd").asDouble()).isEqualTo(0.00036);
        assertThat(line.path("duration_ms").asDouble()).isEqualTo(42.25);
        assertThat(line.path("upstream_ms").asDouble()).isEqualTo(41.5);
        assertThat(line.path("overhead_ms").asDouble()).isEqualTo(0.75);
        assertThat(line.toString()).doesNotContain("secret question");
    }

    @Test
    void aRefusedRequestCarriesItsStatusAndErrorCodeAndNoEmptyFields() throws Exception {
        DefaultExchange ex = TestExchange.chat("chat", "hi");
        JsonNode line = Json.MAPPER.readTree(AccessLog.line(ex, Completion.error(GatewayError.invalidApiKey()), clock));

        assertThat(line.path("status").asInt()).isEqualTo(401);
        assertThat(line.path("error").asText()).isEqualTo("invalid_api_key");
        assertThat(line.has("user")).isFalse();
        assertThat(line.has("provider")).isFalse();
        assertThat(line.has("tags")).isFalse();
    }

    @Test
    void aRequestRefusedBeforeTheChainIsAShortLineOfWhatIsKnown() throws Exception {
        GatewayError error = GatewayError.of(io.tollgate.core.error.ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type 'text/plain' is not supported.");
        JsonNode line = Json.MAPPER.readTree(AccessLog.refusedLine(clock, "req-1", "/v1/messages", error));

        assertThat(line.path("ts").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(line.path("request_id").asText()).isEqualTo("req-1");
        assertThat(line.path("api").asText()).isEqualTo("/v1/messages");
        assertThat(line.path("status").asInt()).isEqualTo(415);
        assertThat(line.path("error").asText()).isEqualTo(error.code());
        assertThat(line.has("key")).isFalse();
    }

    @Test
    void offByDefaultOnWithTheServerKeyAndAReloadCanSwitchIt() {
        var services = TestFilterServices.create();
        var off = ConfigLoader.parse("server: { port: 0 }", "t.yaml").orThrow();
        var on = ConfigLoader.parse("server: { port: 0, access-log: true }", "t.yaml").orThrow();

        assertThat(new AccessLogFactory().create(off, services)).isNull();
        assertThat(new AccessLogFactory().create(on, services)).isInstanceOf(AccessLog.class);
        assertThat(off.server().needsRestartFor(on.server())).as("the access log reloads live").isFalse();
        assertThat(off.server().needsRestartFor(ConfigLoader.parse("server: { port: 9 }", "t.yaml").orThrow().server())).isTrue();
        assertThat(ServerConfig.DEFAULT.accessLog()).isFalse();
        services.close();
    }
}
