package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a real process: SIGTERM loses no ledger row, {@code kill -9} keeps every row older
 * than the flush interval, and a restarted gateway rebuilds budgets from the ledger.
 */
class DurabilityIT {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theLedgerSurvivesSigtermAndKill9AndBudgetsAreRebuiltOnRestart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path db = dir.resolve("gateway.db");
        Path config = dir.resolve("gateway.yaml");
        // mock-1 priced at $1000/1M tokens: each answer (1 input + 4 output tokens) costs $0.005.
        Files.writeString(config, """
                server: { port: %d }
                providers: { mock: { type: mock } }
                models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
                pricing: { mock-1: { input: 1000, output: 1000 } }
                keys: [ { id: k, key: "tg-durable", budget: { usd: 0.03, period: total } } ]
                state: { ledger: "sqlite:%s", flush-interval: 200ms }
                """.formatted(port, db));

        Process first = start(config, port);
        for (int i = 0; i < 3; i++) {
            assertThat(chat(port)).isEqualTo(200);
        }
        first.destroy();   // SIGTERM: drain, flush, exit
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rows(db)).as("rows after SIGTERM").isEqualTo(3);

        Process second = start(config, port);
        for (int i = 0; i < 2; i++) {
            assertThat(chat(port)).isEqualTo(200);
        }
        Thread.sleep(1000);   // longer than the flush interval
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);   // kill -9
        assertThat(rows(db)).as("rows older than the flush interval survive kill -9").isEqualTo(5);

        Process third = start(config, port);
        try {
            // $0.025 spent before the restart; the budget is $0.03: one more fits, then 402.
            int status = 200;
            for (int i = 0; i < 3 && status == 200; i++) {
                status = chat(port);
            }
            assertThat(status).as("the budget was rebuilt from the ledger").isEqualTo(402);
        } finally {
            third.destroy();
            third.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start(Path config, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.tollgate.server.Main", "serve", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway-" + System.nanoTime() + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the gateway did not become ready; logs in " + dir);
    }

    private int chat(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-durable").header("content-type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int rows(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet r = c.createStatement().executeQuery("select count(*) from gateway_requests")) {
            r.next();
            return r.getInt(1);
        }
    }
}
