package io.tollgate.providers.gemini;

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

/** Google's error envelope ({@code {"error":{"code","message","status","details"}}}) as gateway errors. */
final class GeminiErrors {

    private GeminiErrors() {}

    static GatewayError toError(int status, Headers headers, byte[] body) {
        JsonNode err = Json.object();
        try {
            err = Json.parseAnswer(body).path("error");
        } catch (IOException | RuntimeException ignored) {
            // an HTML page from a proxy or an empty body: classify by status alone
        }
        return classify(status, err);
    }

    /** {@code err} is the inner {@code error} object; also used for an error delivered inside a stream. */
    static GatewayError classify(int status, JsonNode err) {
        String grpc = err.path("status").asText("");
        String message = err.path("message").asText("");
        String reason = "";
        Duration retry = null;
        for (JsonNode d : err.path("details")) {
            if (d.path("reason").isTextual()) reason = d.get("reason").asText();
            if (d.path("retryDelay").isTextual()) retry = parseDelay(d.get("retryDelay").asText());
        }
        String tag = grpc.isEmpty() ? "" : " " + grpc;
        String lower = message.toLowerCase(Locale.ROOT);
        if (status == 429 || grpc.equals("RESOURCE_EXHAUSTED")) {
            // the quota message names the project's quota metric and location: not relayed
            return GatewayError.upstream(ErrorCode.RATE_LIMIT_EXCEEDED,
                    "Gemini rate limit or quota reached (" + status + tag + "); try again later.", FailureClass.RATE_LIMIT, retry);
        }
        if (status >= 500 || grpc.equals("UNAVAILABLE") || grpc.equals("INTERNAL") || grpc.equals("DEADLINE_EXCEEDED")) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "Gemini " + status + tag + (message.isEmpty() ? "" : ": " + message),
                    FailureClass.SERVER_ERROR, retry);
        }
        if (status == 401 || status == 403 || reason.startsWith("API_KEY") || grpc.equals("UNAUTHENTICATED") || grpc.equals("PERMISSION_DENIED")) {
            // the gateway's own key is wrong: the client sees a 502 and never the key or the vendor's wording
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Gemini rejected the gateway's credentials (" + status + tag + (reason.isEmpty() ? "" : " " + reason) + ").", FailureClass.AUTH, null);
        }
        if (status == 400 && lower.contains("token") && (lower.contains("limit") || lower.contains("exceeds"))) {
            return new GatewayError(400, "context_length_exceeded", "invalid_request_error", message, "messages", FailureClass.CONTEXT_LENGTH, null);
        }
        String code = grpc.isEmpty() ? ErrorCode.UPSTREAM_CLIENT_ERROR.code() : grpc.toLowerCase(Locale.ROOT);
        return new GatewayError(status, code, "invalid_request_error",
                message.isEmpty() ? "Gemini answered " + status + tag + "." : message, null, FailureClass.CLIENT_ERROR, null);
    }

    /** Google durations: "12s", "0.5s". */
    static @Nullable Duration parseDelay(String v) {
        if (!v.endsWith("s")) return null;
        try {
            double seconds = Double.parseDouble(v.substring(0, v.length() - 1));
            return seconds >= 0 ? Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The prompt was blocked before any generation: a 400 the client can act on, naming Google's reason. */
    static GatewayError promptBlocked(String blockReason) {
        return new GatewayError(400, ErrorCode.GUARDRAIL_BLOCKED.code(), ErrorCode.GUARDRAIL_BLOCKED.type(),
                "Gemini blocked the prompt (blockReason " + blockReason + ").", "messages", FailureClass.CLIENT_ERROR, null);
    }
}
