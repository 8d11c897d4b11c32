package io.tollgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.MutableHeaders;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {

    private static GatewayError map(int status, Headers headers, byte[] body) {
        return OpenAiErrors.toError("openai", status, headers, body);
    }

    @Test
    void rateLimitIsRetryableWithRetryAfterAndDoesNotLeakTheOrganization() {
        byte[] body = Fixtures.bytes("openai-error-429-rate_limit_exceeded.json");
        GatewayError e = map(429, MutableHeaders.of("retry-after-ms", "1500.5", "retry-after", "2"), body);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("rate_limit_exceeded");
        assertThat(e.failure()).isEqualTo(FailureClass.RATE_LIMIT);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofNanos(1_500_500_000L));
        assertThat(e.message()).doesNotContain("org-");
        assertThat(map(429, MutableHeaders.of("retry-after", "7"), body).retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(map(429, Headers.EMPTY, body).retryAfter()).isNull();   // the recording has no retry-after
        assertThat(map(429, MutableHeaders.of("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"), body).retryAfter()).isNull();
    }

    @Test
    void rejectedCredentialsBecomeA502ThatNeverQuotesTheKey() {
        byte[] body = Fixtures.bytes("openai-error-401-invalid_api_key.json");
        for (int status : new int[] {401, 403}) {
            GatewayError e = map(status, Headers.EMPTY, body);
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.code()).isEqualTo("upstream_error");
            assertThat(e.failure()).isEqualTo(FailureClass.AUTH);
            assertThat(e.message()).contains("rejected the gateway's credentials").doesNotContain("invalid-key").doesNotContain("Incorrect API key");
        }
    }

    @Test
    void contextLengthKeepsTheVendorsFieldsAndIsClassifiedForFallback() {
        GatewayError e = map(400, Headers.EMPTY, Fixtures.bytes("openai-error-400-context_length_exceeded-responses.json"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("context_length_exceeded");
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo("input");
        assertThat(e.message()).startsWith("Your input exceeds the context window");
        assertThat(e.failure()).isEqualTo(FailureClass.CONTEXT_LENGTH);
    }

    @Test
    void serverErrorsBecome502UpstreamError() {
        GatewayError e = map(500, Headers.EMPTY,
                "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}".getBytes());
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.code()).isEqualTo("upstream_error");
        assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(e.message()).contains("HTTP 500").contains("The server had an error");

        GatewayError html = map(503, Headers.EMPTY, "<html><body>503 Service Temporarily Unavailable</body></html>".getBytes());
        assertThat(html.status()).isEqualTo(502);
        assertThat(html.failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(html.message()).contains("HTTP 503").doesNotContain("<html>");
    }

    @Test
    void timeoutsAndLockConflictsAreRetryableLikeOpenAisSdksTreatThem() {
        GatewayError timeout = map(408, Headers.EMPTY, new byte[0]);
        assertThat(timeout.status()).isEqualTo(504);
        assertThat(timeout.code()).isEqualTo("upstream_timeout");
        assertThat(timeout.failure()).isEqualTo(FailureClass.TIMEOUT);
        GatewayError conflict = map(409, Headers.EMPTY, "{\"error\":{\"message\":\"lock timeout\"}}".getBytes());
        assertThat(conflict.status()).isEqualTo(502);
        assertThat(conflict.failure()).isEqualTo(FailureClass.SERVER_ERROR);
    }

    @Test
    void otherClientErrorsPassThroughWithTheVendorsStatusCodeMessageAndParam() {
        GatewayError e = map(404, Headers.EMPTY,
                "{\"error\":{\"message\":\"The model `gpt-9` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}".getBytes());
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("model_not_found");
        assertThat(e.message()).contains("gpt-9");
        assertThat(e.failure()).isEqualTo(FailureClass.CLIENT_ERROR);

        GatewayError p = map(400, Headers.EMPTY,
                "{\"error\":{\"message\":\"Invalid value for 'temperature'.\",\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}".getBytes());
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.param()).isEqualTo("temperature");
        assertThat(p.code()).isEqualTo("invalid_value");

        GatewayError text = map(422, Headers.EMPTY, "Unprocessable".getBytes());
        assertThat(text.status()).isEqualTo(422);
        assertThat(text.code()).isEqualTo("upstream_client_error");
        assertThat(text.failure()).isEqualTo(FailureClass.CLIENT_ERROR);

        GatewayError plainError = map(400, Headers.EMPTY, "{\"error\":\"model 'x' not found\"}".getBytes());   // Ollama's shape
        assertThat(plainError.message()).isEqualTo("model 'x' not found");
        assertThat(map(400, Headers.EMPTY, new byte[0]).message()).contains("HTTP 400");
    }
}
