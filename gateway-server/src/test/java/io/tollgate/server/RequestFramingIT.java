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
 * {@code Expect: 100-continue} (curl does this for larger bodies). Refusals come in the SPEC envelope, after the
 * answers to requests pipelined before them; then the connection closes.
 */
class RequestFramingIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, max-request-size: 1KB, request-read-timeout: 1s }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/request-framing-it.db" }
            """);

    private static final String BODY = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String HEAD = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\n"
            + "content-type: application/json\r\nconnection: close\r\n";
    /** A whole request that leaves the connection open, to pipeline another after. */
    private static final String KEEP_ALIVE_POST = "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\n"
            + "content-type: application/json\r\ncontent-length: " + BODY.length() + "\r\n\r\n" + BODY;

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
    void aTransferCodingBesidesChunkedIsRefusedNotIgnored() throws Exception {
        String answer = exchange(HEAD + "transfer-encoding: gzip, chunked\r\n\r\n"
                + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 415").contains("\"code\":\"unsupported_media_type\"", "Transfer-Encoding 'gzip, chunked'");
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

    @Test
    void aRequestPipelinedBeforeAMalformedOneIsAnsweredFirst() throws Exception {
        String answer = exchange(KEEP_ALIVE_POST + "GARBAGE\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer.indexOf("HTTP/1.1 400")).as("the refusal follows the first answer").isGreaterThan(0);
        assertThat(answer).contains("\"code\":\"invalid_request\"", "Malformed HTTP request");
    }

    @Test
    void aRequestPipelinedBeforeAnOversizedOneIsAnsweredFirst() throws Exception {
        String answer = exchange(KEEP_ALIVE_POST + HEAD + "content-length: 5000\r\n\r\n" + "x".repeat(1500));
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer.indexOf("HTTP/1.1 413")).as("the refusal follows the first answer").isGreaterThan(0);
        assertThat(answer).contains("\"code\":\"request_too_large\"");
    }

    @Test
    void aTargetWithABadPercentEscapeIs400InTheEnvelope() throws Exception {
        String answer = exchange("GET /v1/models%zz HTTP/1.1\r\nhost: x\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"", "bad percent-escape");
    }

    @Test
    void anHttp11RequestNeedsExactlyOneHost() throws Exception {
        assertThat(exchange("GET /health/live HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400").contains("exactly one Host");
        assertThat(exchange("GET /health/live HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /health/live HTTP/1.0\r\n\r\n")).as("HTTP/1.0 has no Host rule").startsWith("HTTP/1.1 200");
    }

    @Test
    void aRequestTrickledPastTheReadTimeoutIs408AndClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(600);
            out.write("x-slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));   // reads keep coming: an idle timeout never fires
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);   // until the server closes
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"", "server.request-read-timeout");
        }
    }

    @Test
    void aKeepAliveConnectionOutlivesTheReadTimeoutBetweenRequests() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            for (int i = 0; i < 3; i++) {   // 1.4 s of requests 700 ms apart on one connection, timeout 1 s
                if (i > 0) {
                    Thread.sleep(700);
                }
                s.getOutputStream().write(KEEP_ALIVE_POST.getBytes(StandardCharsets.US_ASCII));
                String head = readHead(s.getInputStream());
                assertThat(head).as("request " + i).startsWith("HTTP/1.1 200");
                int length = Integer.parseInt(head.replaceAll("(?is).*content-length: (\\d+).*", "$1"));
                assertThat(s.getInputStream().readNBytes(length)).hasSize(length);
            }
        }
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
