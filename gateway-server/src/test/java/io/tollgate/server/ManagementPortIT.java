package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.model.Json;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.management-port}: health and metrics on a second port, {@code /metrics} only there,
 * and that port open through the shutdown drain so readiness probes see it.
 */
class ManagementPortIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private GatewayServer server;
    private int managementPort;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            managementPort = s.getLocalPort();
        }
        ConfigLoader.LoadResult config = ConfigLoader.parse("""
                server: { port: 0, management-port: %d, shutdown-grace: 10s }
                providers: { mock: { type: mock } }
                models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
                keys: [ { id: test, key: "tg-test-key", models: [mock-chat] } ]
                state: { ledger: "sqlite:target/it-data/management-port-it.db" }
                """.formatted(managementPort), "test.yaml");
        assertThat(config.problems()).isEmpty();
        server = GatewayServer.start(config.config(), new GatewayRuntime(Main.terminalFactory()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void metricsMoveToTheManagementPortAndHealthIsOnBoth() throws Exception {
        assertThat(server.managementPort()).isEqualTo(managementPort);
        assertThat(chat("0").statusCode()).isEqualTo(200);

        // the request's meters are counted right after its answer is written, so a scrape may come first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> scrape = get(managementPort, "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("gateway_requests_total{model=\"mock-chat\",provider=\"mock\",status=\"200\"}");
        });
        HttpResponse<String> hidden = get(server.port(), "/metrics");
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(hidden.body()).path("error").path("code").asText()).isEqualTo("not_found");

        for (int port : new int[] {server.port(), managementPort}) {
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theManagementPortServesNothingElse() throws Exception {
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(api.body()).contains("management port");
        assertThat(get(managementPort, "/v1/models").statusCode()).isEqualTo(404);
        assertThat(get(managementPort, "/admin/config").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void duringTheDrainReadinessAnswers503OnTheManagementPortWhichClosesLast() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = chatAsync("1500");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.state().inFlight() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

        HttpResponse<String> ready = get(managementPort, "/health/ready");
        while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
            ready = get(managementPort, "/health/ready");
        }
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(ready.body()).path("draining").asBoolean()).isTrue();

        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).as("the in-flight request finishes").isEqualTo(200);
        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> get(managementPort, "/health/live")).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> chat(String latencyMs) throws Exception {
        return chatAsync(latencyMs).get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> chatAsync(String latencyMs) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("content-type", "application/json")
                .header("x-mock-latency-ms", latencyMs).POST(HttpRequest.BodyPublishers.ofString(chatBody())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String chatBody() {
        return "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
