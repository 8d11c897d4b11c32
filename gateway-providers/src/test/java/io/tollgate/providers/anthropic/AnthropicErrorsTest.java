package io.tollgate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.MutableHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicErrorsTest {

    final AnthropicAdapter adapter = new AnthropicAdapter("anthropic", null, "sk-ant-secret", null, Map.of(), AnthropicAdapterTest.CLOCK);

    @Test
    void rateLimitIsRetryableWithRetryAfter() {
        GatewayError e = adapter.toError(429, MutableHeaders.of("retry-after", "7"), Fixtures.bytes("anthropic-error-429-rate_limit_error.json"));
        assertThat(e.failure()).isEqualTo(FailureClass.RATE_LIMIT);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(e.message()).contains("rate limit").doesNotContain("0137b15c");   // the org id stays private
        // the recording has no retry-after header: then none is invented
        assertThat(adapter.toError(429, Headers.EMPTY, Fixtures.bytes("anthropic-error-429-rate_limit_error.json")).retryAfter()).isNull();
    }

    @Test
    void promptTooLongIsContextLength() {
        GatewayError e = adapter.toError(400, Headers.EMPTY, Fixtures.bytes("anthropic-error-400-invalid_request_error.json"));
        assertThat(e.failure()).isEqualTo(FailureClass.CONTEXT_LENGTH);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("context_length_exceeded");
        assertThat(e.message()).isEqualTo("prompt is too long: 3333404 tokens > 200000 maximum");
    }

    @Test
    void badVendorKeyIsA502AuthFailureWithoutTheKey() {
        GatewayError e = adapter.toError(401, Headers.EMPTY, Fixtures.bytes("anthropic-error-401-authentication_error.json"));
        assertThat(e.failure()).isEqualTo(FailureClass.AUTH);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.code()).isEqualTo("upstream_error");
        assertThat(e.message()).doesNotContain("sk-ant-secret").doesNotContain("x-api-key");
        assertThat(adapter.toError(403, Headers.EMPTY, body("permission_error", "no")).failure()).isEqualTo(FailureClass.AUTH);
    }

    @Test
    void overloadedAndServerErrorsAreServerErrors() {
        GatewayError overloaded = adapter.toError(529, Headers.EMPTY, body("overloaded_error", "Overloaded"));
        assertThat(overloaded.failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(overloaded.status()).isEqualTo(502);
        assertThat(adapter.toError(500, Headers.EMPTY, body("api_error", "Internal")).failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(adapter.toError(503, Headers.EMPTY, "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)).failure())
                .isEqualTo(FailureClass.SERVER_ERROR);
    }

    @Test
    void otherClientErrorsPassThroughWithAnthropicsMessage() {
        GatewayError e = adapter.toError(400, Headers.EMPTY, body("invalid_request_error", "messages.0.content: Field required"));
        assertThat(e.failure()).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.message()).isEqualTo("messages.0.content: Field required");
        GatewayError nf = adapter.toError(404, Headers.EMPTY, body("not_found_error", "model: claude-nope"));
        assertThat(nf.status()).isEqualTo(404);
        assertThat(nf.message()).isEqualTo("model: claude-nope");
    }

    static byte[] body(String type, String message) {
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
