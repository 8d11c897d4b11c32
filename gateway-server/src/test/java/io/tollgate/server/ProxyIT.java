package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gateway in front of an OpenAI-compatible upstream (WireMock): the proxy behaviour users rely on. */
class ProxyIT {

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** A raw socket upstream, to watch the gateway close its connection when the client leaves. */
    static final ServerSocket raw = rawServer();

    @RegisterExtension
    @org.junit.jupiter.api.Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys, admin-key: "admin-test-key" }
            providers:
              up:  { type: openai, base-url: "@UPSTREAM@/v1", api-key: "sk-vendor-secret-123" }
              raw: { type: openai, base-url: "http://127.0.0.1:RAWPORT/v1", api-key: "sk-vendor-secret-123" }
            models:
              chat:
                targets: [ { provider: up, model: gpt-4o-mini } ]
                retries: { max-attempts: 1 }
                timeouts: { first-token: 1s, total: 10s, idle: 2s }
              raw-chat:
                targets: [ { provider: raw, model: gpt-4o-mini } ]
                retries: { max-attempts: 1 }
            keys:
              - { id: test, key: "tg-test-key" }
            state: { ledger: "sqlite:target/it-data/proxy-it.db" }
            """.replace("RAWPORT", Integer.toString(raw.getLocalPort()))).upstream(upstream::baseUrl);

    @AfterAll
    static void closeRaw() throws Exception {
        raw.close();
    }

    @BeforeEach
    void reset() {
        upstream.resetAll();
    }

    static String fixture(String name) throws Exception {
        try (InputStream in = ProxyIT.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void plainChatIsProxiedWithTheVendorKeyAndGatewayHeaders() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(fixture("openai-chat-nonstream.json"))));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("usage").path("total_tokens").asInt()).isPositive();
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(r.headers().firstValue("x-gateway-provider")).hasValue("up");
        assertThat(r.headers().firstValue("x-gateway-model")).hasValue("gpt-4o-mini");
        assertThat(r.headers().firstValue("x-gateway-attempts")).hasValue("1");
        assertThat(r.headers().firstValue("x-gateway-cache")).as("no cache configured").hasValue("bypass");
        // The vendor gets the vendor key and the upstream model name, never the client's gateway key.
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("authorization", equalTo("Bearer sk-vendor-secret-123"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini"))));
        assertThat(r.body()).doesNotContain("sk-vendor-secret-123");
    }

    @Test
    void echoesASaneRequestIdAndReplacesAnInsaneOne() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(fixture("openai-chat-nonstream.json"))));
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("x-request-id", "trace-42.a_b")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
        assertThat(r.headers().firstValue("x-request-id")).hasValue("trace-42.a_b");
    }

    @Test
    void streamingPassesChunksThroughAsTheyArrive() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(fixture("openai-chat-stream-include-usage.sse"))
                .withChunkedDribbleDelay(8, 1600)));

        HttpResponse<Stream<String>> r = gateway.http().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayExtension.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Count"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofLines());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        r.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
            data.add(l.substring(6));
            times.add(System.nanoTime());
        });
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(data).anyMatch(d -> d.contains("\"usage\":{"));
        // The first chunk reached the client well before the upstream sent its last one (1.6 s of dribble).
        assertThat(TimeUnit.NANOSECONDS.toMillis(times.get(times.size() - 1) - times.get(0))).isGreaterThan(600);
    }

    @Test
    void upstreamClientErrorsPassThroughWithTheirMessage() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400).withHeader("content-type", "application/json")
                .withBody("{\"error\":{\"message\":\"Invalid value for 'temperature'.\",\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}")));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"chat","temperature":9,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(error.path("message").asText()).contains("temperature");
        assertThat(error.path("param").asText()).isEqualTo("temperature");
        assertThat(r.headers().firstValue("x-gateway-cost-usd")).as("a unary answer says what it cost: nothing").hasValue("0");
    }

    @Test
    void upstreamServerErrorsBecome502InTheEnvelope() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}")));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_error");
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
    }

    @Test
    void anUpstreamThatHangsIsA504() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(5000).withBody("{}")));

        long start = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"chat","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4000);
    }

    @Test
    void aClientThatLeavesMidStreamClosesTheUpstreamConnection() throws Exception {
        CompletableFuture<Boolean> upstreamSawClose = CompletableFuture.supplyAsync(() -> {
            try (Socket s = raw.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                readRequest(in);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String event = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n";
                out.write((Integer.toHexString(event.length()) + "\r\n" + event + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return in.read() == -1;   // blocks until the gateway closes the connection
            } catch (Exception e) {
                return false;
            }
        });

        try (Socket client = new Socket("127.0.0.1", gateway.port())) {
            String body = "{\"model\":\"raw-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null && !line.startsWith("data: ")) {
                // skip the head until the first event arrives
            }
            assertThat(line).startsWith("data: ");
        }   // the client leaves mid-stream

        assertThat(upstreamSawClose.get(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void readRequest(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        int length = Integer.parseInt(head.toString().toLowerCase().replaceAll("(?s).*content-length: (\\d+).*", "$1"));
        in.readNBytes(length);
    }

    private static ServerSocket rawServer() {
        try {
            return new ServerSocket(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
