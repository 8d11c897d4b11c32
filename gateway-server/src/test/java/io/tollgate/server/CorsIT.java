package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.server.testing.GatewayExtension;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A web page on another origin calling the gateway from a browser: what the browser checks before it lets the page read an answer. */
class CorsIT {

    static final String CHAT = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, max-request-size: 1KB, cors: { allow-origins: ["https://app.example.com", "https://*.example.org"], max-age: 1h } }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/cors-it.db" }
            """);

    HttpResponse<String> preflight(String origin) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization, content-type, x-stainless-os"));
    }

    HttpResponse<String> chat(String origin, String key, String body) throws Exception {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("origin", origin).header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void preflightFromAnAllowedOriginAllowsThePostWithItsHeaders() throws Exception {
        HttpResponse<String> r = preflight("https://app.example.com");

        assertThat(r.statusCode()).isEqualTo(204);
        HttpHeaders h = r.headers();
        assertThat(h.firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(h.firstValue("access-control-allow-methods").orElseThrow()).contains("POST");
        assertThat(h.firstValue("access-control-allow-headers")).hasValue("authorization, content-type, x-stainless-os");
        assertThat(h.firstValue("access-control-max-age")).hasValue("3600");
        assertThat(h.firstValue("vary")).hasValue("origin");
        assertThat(h.firstValue("access-control-allow-credentials")).isEmpty();
        assertThat(h.firstValue("content-length")).isEmpty();   // a 204 has no body and no length
    }

    @Test
    void subdomainPatternAllowsSubdomainsOnly() throws Exception {
        assertThat(preflight("https://team.example.org").statusCode()).isEqualTo(204);
        assertThat(preflight("https://example.org").headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(preflight("https://evil-example.org").headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void preflightFromAnotherOriginAllowsNothing() throws Exception {
        HttpResponse<String> r = preflight("https://evil.example.net");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(r.headers().firstValue("access-control-allow-methods")).isEmpty();
        // what a developer sees in the browser's network panel: the setting that would let the page in
        assertThat(r.body()).contains("\"code\":\"origin_not_allowed\"", "https://evil.example.net", "server.cors.allow-origins");
    }

    @Test
    void answersToAnAllowedOriginAreReadableWithTheirHeaders() throws Exception {
        HttpResponse<String> ok = chat("https://app.example.com", GatewayExtension.KEY, CHAT);
        HttpResponse<String> denied = chat("https://app.example.com", "tg-wrong", CHAT);
        HttpResponse<String> stream = chat("https://app.example.com", GatewayExtension.KEY, CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""));
        HttpResponse<String> invalid = chat("https://app.example.com", GatewayExtension.KEY, "{");
        HttpResponse<String> tooLarge = chat("https://app.example.com", GatewayExtension.KEY, CHAT.replace("hi", "x".repeat(2048)));

        for (HttpResponse<String> r : new HttpResponse[] {ok, denied, stream, invalid, tooLarge}) {
            assertThat(r.headers().firstValue("access-control-allow-origin")).as(r.body()).hasValue("https://app.example.com");
            assertThat(r.headers().firstValue("access-control-expose-headers")).hasValue("*");
        }
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(stream.body()).contains("data: [DONE]");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }

    @Test
    void otherOriginsAndNonBrowserCallersGetNoCorsHeaders() throws Exception {
        HttpResponse<String> other = chat("https://evil.example.net", GatewayExtension.KEY, CHAT);
        HttpResponse<String> server = gateway.post("/v1/chat/completions", CHAT);

        assertThat(other.statusCode()).isEqualTo(200);   // CORS is the browser's check: the call itself is served
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(server.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
