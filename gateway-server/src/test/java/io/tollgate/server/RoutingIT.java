package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries, fallbacks, cooldowns and mid-stream failures end to end: real server, real transport, WireMock and mock upstreams. */
class RoutingIT {

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @org.junit.jupiter.api.Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys, admin-key: "admin-test-key" }
            providers:
              primary: { type: openai, base-url: "@UPSTREAM@/primary/v1", api-key: "sk-primary" }
              backup:  { type: openai, base-url: "@UPSTREAM@/backup/v1", api-key: "sk-backup" }
              mock:    { type: mock }
            models:
              chat:
                targets: [ { provider: primary, model: gpt-4o-mini }, { provider: backup, model: gpt-4o-mini-backup } ]
                retries: { max-attempts: 2, backoff: 10ms }
                circuit-breaker: { window: 10, minimum-calls: 10, open-for: 30s }
              cut:
                targets: [ { provider: mock, model: mock-error-midstream }, { provider: mock, model: mock-model } ]
                retries: { max-attempts: 2 }
            keys:
              - { id: test, key: "tg-test-key" }
            state: { ledger: "sqlite:target/it-data/routing-it.db" }
            """).upstream(upstream::baseUrl);

    private static final String OK = """
            {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    @BeforeEach
    void reset() {
        upstream.resetAll();
    }

    @Test
    void aPrimaryServerErrorFallsBackToTheBackupWithTheHeadersToShowIt() throws Exception {
        upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\"}}")));
        upstream.stubFor(post("/backup/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(OK)));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-provider")).hasValue("backup");
        assertThat(r.headers().firstValue("x-gateway-model")).hasValue("gpt-4o-mini-backup");
        assertThat(r.headers().firstValue("x-gateway-attempts")).hasValue("2");
    }

    @Test
    void aRateLimitedPrimaryIsSkippedWhileItCoolsDown() throws Exception {
        upstream.stubFor(post("/primary/v1/chat/completions").willReturn(aResponse().withStatus(429).withHeader("retry-after", "30")
                .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")));
        upstream.stubFor(post("/backup/v1/chat/completions").willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(OK)));

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                    {"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");
            assertThat(r.statusCode()).isEqualTo(200);
        }

        upstream.verify(1, postRequestedFor(urlEqualTo("/primary/v1/chat/completions")));
        upstream.verify(3, postRequestedFor(urlEqualTo("/backup/v1/chat/completions")));
        JsonNode routing = Json.MAPPER.readTree(gateway.get("/admin/routing", GatewayExtension.ADMIN_KEY).body());
        JsonNode primary = routing.path("models").path("chat").path("targets").get(0);
        assertThat(primary.path("cooldown_ms").asLong()).isBetween(20_000L, 30_000L);
    }

    @Test
    void aStreamCutAfterItsFirstChunkEndsWithAnSseErrorEventNotACleanEnd() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"cut","stream":true,"messages":[{"role":"user","content":"Hi there"}]}""");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-gateway-attempts")).hasValue("1");   // no retry after the first byte
        assertThat(r.body()).contains("chat.completion.chunk");
        assertThat(r.body()).contains("\"error\"");
        assertThat(r.body().strip()).doesNotEndWith("data: [DONE]");
    }
}
