package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.server.testing.GatewayExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How clients frame a request body besides {@code content-length}: chunked, and announced with
 * {@code Expect: 100-continue} (curl does this for larger bodies). Refusals come in the SPEC envelope.
 */
class RequestFramingIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, max-request-size: 1KB }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/request-framing-it.db" }
            """);

    private static final String BODY = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String HEAD = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\n"
            + "content-type: application/json\r\nconnection: close\r\n";

    @AfterEach
    void stillServing() throws Exception {
        HttpResponse<String> ok = gateway.post("/v1/chat/completions", BODY);
        assertThat(ok.statusCode()).as("the gateway still serves").isEqualTo(200);
    }

    @Test
    void aChunkedBodyIsServed() throws Exception {
        String first = BODY.substring(0, 20);
        String rest = BODY.substring(20);
        String answer = exchange(HEAD + "transfer-encoding: chunked\r\n\r\n"
                + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"object\":\"chat.completion\"");
    }

    @Test
    void anAnnouncedBodyIsAskedForWith100ContinueThenAnswered() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((HEAD + "expect: 100-continue\r\ncontent-length: " + BODY.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 100 Continue");
            out.write(BODY.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"object\":\"chat.completion\"");
        }
    }

    @Test
    void anAnnouncedBodyOverTheLimitIs413InTheEnvelopeBeforeItIsSent() throws Exception {
        String answer = exchange(HEAD + "expect: 100-continue\r\ncontent-length: 5000\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer.toLowerCase()).contains("connection: close").contains("x-request-id: ");
        assertThat(answer).contains("\"code\":\"request_too_large\"").contains("server.max-request-size = 1024 bytes");
    }

    @Test
    void anExpectationHttpDoesNotDefineIs417InTheEnvelope() throws Exception {
        String answer = exchange(HEAD + "expect: teapot\r\ncontent-length: " + BODY.length() + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 417");
        assertThat(answer).contains("\"code\":\"invalid_request\"").contains("100-continue");
    }

    /** Sends {@code request} and reads until the server closes. */
    private static String exchange(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
