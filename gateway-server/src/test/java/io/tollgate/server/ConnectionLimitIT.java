package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tollgate.server.testing.GatewayExtension;
import io.tollgate.server.testing.MetricsScrape;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code server.max-connections}: the connections within the cap keep being served; one over it gets a 503 in the
 * SPEC envelope with {@code retry-after} and is closed, except for health checks; a closed connection frees its slot.
 */
class ConnectionLimitIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, max-connections: 2 }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/connection-limit-it.db" }
            """);

    private static final String BODY = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String POST = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\n"
            + "content-type: application/json\r\ncontent-length: " + BODY.length() + "\r\n\r\n" + BODY;
    private static final String MESSAGES = "POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: tg-test-key\r\n"
            + "content-type: application/json\r\ncontent-length: " + BODY.length() + "\r\n\r\n" + BODY;
    private static final String LIVE = "GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n";

    @Test
    void aConnectionOverTheCapIsAnswered503AndClosedWhileTheOthersKeepServing() throws Exception {
        try (Socket a = connect(); Socket b = connect()) {
            assertThat(exchange(a, POST)).startsWith("HTTP/1.1 200");
            assertThat(exchange(b, POST)).startsWith("HTTP/1.1 200");

            try (Socket c = connect()) {
                String refused = exchange(c, POST);
                assertThat(refused).startsWith("HTTP/1.1 503");
                assertThat(refused.toLowerCase(Locale.ROOT)).contains("retry-after: 1", "connection: close", "x-request-id: ");
                assertThat(refused).contains("\"code\":\"too_many_connections\"", "server.max-connections: 2");
                assertThat(c.getInputStream().read()).as("then the connection closes").isEqualTo(-1);
            }
            try (Socket d = connect()) {
                String refused = exchange(d, MESSAGES);
                assertThat(refused).as("in the API's own envelope").startsWith("HTTP/1.1 503")
                        .contains("{\"type\":\"error\",\"error\":{\"type\":\"api_error\"", "server.max-connections: 2");
            }
            try (Socket e = connect()) {
                assertThat(exchange(e, LIVE)).as("a health check over the cap is answered").startsWith("HTTP/1.1 200");
                assertThat(exchange(e, LIVE)).as("and keeps its connection").startsWith("HTTP/1.1 200");
            }

            assertThat(exchange(a, POST)).as("the connections within the cap are still served").startsWith("HTTP/1.1 200");
            a.close();
            // the server learns of a close a moment after the client makes it: new connections are tried for up to 5 s
            await("a closed connection frees its slot").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(ConnectionLimitIT::servedOnANewConnection);
        }
        String metrics = metrics();
        assertThat(MetricsScrape.value(metrics, "gateway_client_connections_refused_total")).as("c, d and e, and any early try for the freed slot")
                .isGreaterThanOrEqualTo(3);
        assertThat(metrics).contains("gateway_client_connections ");
    }

    private static boolean servedOnANewConnection() throws Exception {
        try (Socket s = connect()) {
            return exchange(s, POST).startsWith("HTTP/1.1 200");
        }
    }

    private static String metrics() throws Exception {
        try (Socket s = connect()) {
            return exchange(s, "GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n");
        }
    }

    private static Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", gateway.port());
        s.setSoTimeout(5000);
        return s;
    }

    /** Sends {@code request} and reads one answer: its head, then as many bytes as its content-length says. */
    private static String exchange(Socket s, String request) throws Exception {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        while (!answer.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return answer.toString(StandardCharsets.UTF_8);
            }
            answer.write(b);
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(answer.toString(StandardCharsets.US_ASCII));
        if (length.find()) {
            answer.write(in.readNBytes(Integer.parseInt(length.group(1))));
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
