package io.tollgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.providers.openai.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeminiErrorsTest {

    final GeminiAdapter adapter = new GeminiAdapter("gemini", null, "AIza-secret", Map.of(), GeminiAdapterTest.CLOCK);

    GatewayError error(int status, String fixture) {
        return adapter.toError(status, Headers.EMPTY, Fixtures.bytes(fixture));
    }

    GatewayError error(int status, String body, boolean inline) {
        return adapter.toError(status, Headers.EMPTY, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidApiKeyIsAnAuthFailureShownAs502WithoutTheKey() {
        GatewayError e = error(400, "gemini-error-400-api_key_invalid.json");
        assertThat(e.failure()).isEqualTo(FailureClass.AUTH);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.code()).isEqualTo("upstream_error");
        assertThat(e.message()).contains("API_KEY_INVALID").doesNotContain("AIza-secret");
    }

    @Test
    void tokenLimitIsContextLength() {
        GatewayError e = error(400, "gemini-error-400-token_limit.json");
        assertThat(e.failure()).isEqualTo(FailureClass.CONTEXT_LENGTH);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("context_length_exceeded");
        assertThat(e.message()).contains("1048576");
    }

    @Test
    void resourceExhaustedIsRateLimitWithRetryDelay() {
        GatewayError e = error(429, "gemini-error-429-resource_exhausted.json");
        assertThat(e.failure()).isEqualTo(FailureClass.RATE_LIMIT);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("rate_limit_exceeded");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(48));
        assertThat(e.message()).doesNotContain("GOOGLE_CLOUD_LOCATION");
    }

    @Test
    void serverErrorsAuthStatusesAndOtherClientErrors() {
        assertThat(error(503, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}", true))
                .satisfies(e -> {
                    assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR);
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.code()).isEqualTo("upstream_error");
                });
        assertThat(error(500, "<html>oops</html>", true).failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(error(403, "{\"error\":{\"code\":403,\"message\":\"denied\",\"status\":\"PERMISSION_DENIED\"}}", true).failure()).isEqualTo(FailureClass.AUTH);
        assertThat(error(401, "", true).status()).isEqualTo(502);
        GatewayError notFound = error(404, "{\"error\":{\"code\":404,\"message\":\"models/nope is not found\",\"status\":\"NOT_FOUND\"}}", true);
        assertThat(notFound.failure()).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.message()).isEqualTo("models/nope is not found");
        GatewayError bad = error(400, "{\"error\":{\"code\":400,\"message\":\"Invalid value at 'generation_config.temperature'\",\"status\":\"INVALID_ARGUMENT\"}}", true);
        assertThat(bad.failure()).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.message()).contains("generation_config.temperature");
    }
}
