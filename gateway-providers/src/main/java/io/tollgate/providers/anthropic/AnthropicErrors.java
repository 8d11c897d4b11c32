package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Anthropic's error bodies ({@code {"type":"error","error":{"type","message"}}}) as gateway errors. */
final class AnthropicErrors {

    private AnthropicErrors() {}

    static GatewayError toError(int status, Headers headers, byte[] body) {
        JsonNode err = Json.object();
        try {
            err = Json.parseAnswer(body).path("error");
        } catch (IOException | RuntimeException ignored) {
            // a proxy's HTML page or an empty body: classify by status alone
        }
        String type = err.path("type").asText("");
        String message = err.path("message").asText("");
        return classify(status, type, message, retryAfter(headers));
    }

    /** An {@code event: error} inside a 200 stream: Anthropic sends no status, so the type decides. */
    static GatewayError streamError(JsonNode error) {
        String type = error.path("type").asText("");
        int status = switch (type) {
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            default -> 500;
        };
        return classify(status, type, error.path("message").asText(""), null);
    }

    private static GatewayError classify(int status, String type, String message, @Nullable Duration retryAfter) {
        String detail = "Anthropic " + status + (type.isEmpty() ? "" : " " + type) + (message.isEmpty() ? "" : ": " + message);
        if (status == 429 || type.equals("rate_limit_error")) {
            // the vendor's message names the organization id: not relayed, as for OpenAI
            return GatewayError.upstream(ErrorCode.RATE_LIMIT_EXCEEDED,
                    "Anthropic rate limit reached (" + status + " rate_limit_error); try again later.", FailureClass.RATE_LIMIT, retryAfter);
        }
        if (status >= 500 || type.equals("overloaded_error") || type.equals("api_error")) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, detail, FailureClass.SERVER_ERROR, retryAfter);
        }
        if (status == 401 || status == 403) {
            // the gateway's own vendor credentials are wrong: the client sees a 502, never the key
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Anthropic rejected the gateway's credentials (" + status + (type.isEmpty() ? "" : " " + type) + ").", FailureClass.AUTH, null);
        }
        if (status == 400 && message.toLowerCase(Locale.ROOT).contains("prompt is too long")) {
            return new GatewayError(400, "context_length_exceeded", "invalid_request_error", message, "messages", FailureClass.CONTEXT_LENGTH, null);
        }
        String code = type.isEmpty() ? ErrorCode.UPSTREAM_CLIENT_ERROR.code() : type;
        String openAiType = status == 404 ? "invalid_request_error" : type.isEmpty() ? "invalid_request_error" : type;
        return new GatewayError(status, code, openAiType, message.isEmpty() ? detail : message, null, FailureClass.CLIENT_ERROR, null);
    }

    private static @Nullable Duration retryAfter(Headers headers) {
        String v = headers.get("retry-after");
        if (v == null) return null;
        try {
            double seconds = Double.parseDouble(v.trim());
            return seconds >= 0 ? Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException e) {
            return null;   // HTTP-date form: rare from Anthropic; routing uses its own backoff
        }
    }
}
