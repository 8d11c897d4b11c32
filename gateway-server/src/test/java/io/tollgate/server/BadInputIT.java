package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import io.tollgate.server.testing.MetricsScrape;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a clear 4xx in the SPEC envelope, never a 500, and the server keeps serving. */
class BadInputIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0, max-request-size: 1MB }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models: { mock-chat: { targets: [ { provider: mock, model: mock-1 } ] } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/bad-input-it.db" }
            """);

    @AfterEach
    void stillServing() throws Exception {
        HttpResponse<String> ok = gateway.post("/v1/chat/completions", "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(ok.statusCode()).as("the gateway still serves after the bad request").isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON        | {"model":"mock-chat","messages":[       | 400 | invalid_request |
            not an object         | [1,2,3]                                 | 400 | invalid_request |
            model not a string    | {"model":42,"messages":[{"role":"user","content":"x"}]} | 400 | invalid_request | model
            messages not an array | {"model":"mock-chat","messages":"hi"}   | 400 | invalid_request | messages
            message without role  | {"model":"mock-chat","messages":[{"content":"x"}]} | 400 | invalid_request | messages[0]
            stream not a boolean  | {"model":"mock-chat","stream":"yes","messages":[{"role":"user","content":"x"}]} | 400 | invalid_request | stream
            content a number      | {"model":"mock-chat","messages":[{"role":"user","content":5}]} | 400 | invalid_request | messages[0].content
            user not a string     | {"model":"mock-chat","user":{"a":1},"messages":[{"role":"user","content":"x"}]} | 400 | invalid_request | user
            metadata not an object | {"model":"mock-chat","metadata":"x","messages":[{"role":"user","content":"x"}]} | 400 | invalid_request | metadata
            trailing JSON         | {"model":"mock-chat","messages":[{"role":"user","content":"x"}]}{"a":1} | 400 | invalid_request |
            unknown model         | {"model":"nope","messages":[{"role":"user","content":"x"}]} | 404 | model_not_found | model
            duplicate keys        | {"model":"mock-chat","model":"x","messages":[{"role":"user","content":"x"}]} | 400 | invalid_request |
            """)
    void malformedBodiesAre4xxNamingTheField(String name, String body, int status, String code, String param) throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", body);

        assertThat(r.statusCode()).isEqualTo(status);
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("at io.").doesNotContain("`", "jackson");
        if (param != null) {
            assertThat(error.path("param").asText()).isEqualTo(param);
            assertThat(error.path("message").asText()).contains(param.replaceAll("\\[.*", ""));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /v1/chat/completions | error.code    | invalid_request
            /v1/messages         | error.type    | invalid_request_error
            """)
    void jsonNestedPastTheParsersLimitIs400NotAServerError(String path, String field, String value) throws Exception {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String body = "{\"model\":\"mock-chat\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"x\":" + deep + "}";

        HttpResponse<String> r = gateway.post(path, body);

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = Json.MAPPER.readTree(r.body());
        assertThat(error.at("/" + field.replace('.', '/')).asText()).isEqualTo(value);
        assertThat(error.at("/error/message").asText()).contains("nesting depth").doesNotContain("StreamReadConstraints");
    }

    @Test
    void emptyBodyIs400() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("empty");
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        byte[] body = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"\u0000\"}]}".getBytes(StandardCharsets.UTF_8);
        body[body.length - 6] = (byte) 0xC3;   // a lone lead byte: not UTF-8
        body[body.length - 5] = (byte) 0x28;
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("invalid_request");
    }

    @Test
    void browserPreflightWhileCorsIsOffSaysHowToAllowTheOrigin() throws Exception {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("origin", "http://localhost:5173").header("access-control-request-method", "POST"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("message").asText())
                .isEqualTo("Cross-origin calls are off: list origin 'http://localhost:5173' in server.cors.allow-origins to let its pages call the gateway.");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/chat/completions", GatewayExtension.KEY);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("POST");
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void headIs405WithHeadersOnlyAndTheConnectionServesOn() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("HEAD /health/live HTTP/1.1\r\nhost: x\r\n\r\n"
                    + "GET /health/live HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String both = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int headEnd = both.indexOf("\r\n\r\n") + 4;
            assertThat(both).startsWith("HTTP/1.1 405");
            assertThat(both.substring(0, headEnd).toLowerCase()).contains("allow: get");
            // no body after the HEAD answer's head: the next bytes are the GET's answer
            assertThat(both.substring(headEnd)).startsWith("HTTP/1.1 200");
        }
    }

    /** Sends raw bytes on a new connection and reads until the gateway closes it. */
    private static String exchange(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void unknownHttpVersionIs400AndCloses() throws Exception {
        String answer = exchange("GET /health/live HTTP/9.9\r\nhost: x\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close")
                .contains("HTTP/9.9 is not supported (expected: HTTP/1.1 or HTTP/1.0)");
    }

    @Test
    void absoluteFormTargetIsServedLikeItsPath() throws Exception {
        String answer = exchange("GET http://gateway.example:8080/v1/models?x=1 HTTP/1.1\r\nhost: x\r\n"
                + "authorization: Bearer tg-test-key\r\nconnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"mock-chat\"");
    }

    @Test
    void compressedBodyIs415NamingTheEncoding() throws Exception {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("content-type", "application/json")
                .header("content-encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x1f, (byte) 0x8b, 8, 0})));

        assertThat(r.statusCode()).isEqualTo(415);
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("unsupported_media_type");
        assertThat(error.path("message").asText()).contains("Content-Encoding 'gzip'");
    }

    @Test
    void unknownPathIs404() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/nothing-here", GatewayExtension.KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void missingOrUnknownKeyIs401() throws Exception {
        HttpResponse<String> none = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
        HttpResponse<String> wrong = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-wrong")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(wrong.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(wrong.body()).doesNotContain("tg-wrong");
    }

    @Test
    void aCallerWithoutAValidKeyGets401BeforeAnyVerdictOnItsBody() throws Exception {
        for (String auth : new String[] {null, "Bearer tg-wrong"}) {
            HttpRequest.Builder malformed = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":"));
            HttpRequest.Builder wrongType = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi"));
            for (HttpRequest.Builder request : List.of(malformed, wrongType)) {
                if (auth != null) {
                    request.header("authorization", auth);
                }
                HttpResponse<String> r = gateway.send(request);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("invalid_api_key");
            }
        }
        HttpResponse<String> anthropic = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", "tg-wrong").header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(anthropic.statusCode()).isEqualTo(401);
        assertThat(Json.MAPPER.readTree(anthropic.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
        // with a valid key, the body's problem is the answer
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":").statusCode()).isEqualTo(400);
    }

    @Test
    void requestsRefusedBeforeTheChainAreCountedUnderModelAndProviderNone() throws Exception {
        double before = refusedCount(400);
        gateway.post("/v1/chat/completions", "{\"model\":");
        gateway.post("/v1/chat/completions", "[1,2,3]");
        assertThat(refusedCount(400)).isEqualTo(before + 2);
    }

    private static double refusedCount(int status) throws Exception {
        return MetricsScrape.value(gateway.get("/metrics", null).body(),
                "gateway_requests_total{model=\"none\",provider=\"none\",status=\"" + status + "\"}");
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String huge = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(20 * 1024 * 1024) + "\"}]}";
        HttpResponse<String> r;
        try {
            r = gateway.post("/v1/chat/completions", huge);
        } catch (java.io.IOException e) {
            // The gateway answers 413 and closes while the client is still sending 20 MB: some
            // clients report the reset instead of the answer. A raw socket shows the answer itself.
            r = null;
        }
        if (r != null) {
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(Json.MAPPER.readTree(r.body()).path("error").path("code").asText()).isEqualTo("request_too_large");
        }
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tg-test-key\r\n"
                    + "content-type: application/json\r\ncontent-length: 20971520\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").contains("request_too_large");
        }
    }

    @Test
    void errorsBeforeTheChainOnMessagesUseAnthropicsEnvelope() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/messages", GatewayExtension.KEY);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).hasValue("POST");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("message").asText()).contains("GET is not allowed on /v1/messages");

        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: tg-test-key\r\nx-request-id: big-1\r\n"
                    + "content-type: application/json\r\ncontent-length: 20971520\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("x-request-id: big-1");
            JsonNode tooLarge = Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(tooLarge.path("type").asText()).isEqualTo("error");
            assertThat(tooLarge.path("error").path("type").asText()).isEqualTo("request_too_large");
        }
    }

    @Test
    void headerInjectionIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-gateway-user: a\rinjected: yes\r\n"
                    + "authorization: Bearer tg-test-key\r\ncontent-length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(answer).doesNotContain("injected: yes");
        }
        // A request id with CR/LF is never echoed back into a response header.
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            String body = "{\"model\":\"mock-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-request-id: abc%0d%0aset-cookie:x\r\n"
                    + "authorization: Bearer tg-test-key\r\ncontent-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(answer.toLowerCase()).doesNotContain("set-cookie");
        }
    }

    @Test
    void unsupportedContentTypeIs415() throws Exception {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer tg-test-key").header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(r.statusCode()).isEqualTo(415);
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                if (out.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
                    String s = out.toString(StandardCharsets.UTF_8);
                    int cl = s.toLowerCase().indexOf("content-length: ");
                    if (cl > 0) {
                        int len = Integer.parseInt(s.substring(cl + 16, s.indexOf("\r\n", cl)).trim());
                        if (out.size() >= s.indexOf("\r\n\r\n") + 4 + len) {
                            break;
                        }
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // the server closed after answering
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
