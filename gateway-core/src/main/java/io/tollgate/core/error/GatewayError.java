package io.tollgate.core.error;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An error answer: rendered in OpenAI's envelope {@code {"error":{"message","type","code","param"}}}
 * (Anthropic's on {@code /v1/messages}). Never carries a stack trace or a vendor key.
 *
 * @param status     HTTP status sent to the client
 * @param code       the SPEC §4 code, or the upstream's own code for passed-through 4xx
 * @param type       OpenAI error type
 * @param message    human-readable, names the offending field or limit
 * @param param      the request field at fault, or null
 * @param failure    how routing should treat it when it came from an upstream
 * @param retryAfter when the client (or the router) may try again, or null
 */
public record GatewayError(int status, String code, String type, String message, @Nullable String param,
                           FailureClass failure, @Nullable Duration retryAfter) {

    public GatewayError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(failure, "failure");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
        }
    }

    public static GatewayError of(ErrorCode code, String message) {
        return new GatewayError(code.status(), code.code(), code.type(), message, null, FailureClass.NONE, null);
    }

    public static GatewayError invalidRequest(String message, @Nullable String param) {
        return new GatewayError(400, ErrorCode.INVALID_REQUEST.code(), ErrorCode.INVALID_REQUEST.type(), message, param, FailureClass.NONE, null);
    }

    public static GatewayError invalidApiKey() {
        return of(ErrorCode.INVALID_API_KEY, "Missing or unknown API key. Send your gateway key as 'Authorization: Bearer <key>' or 'x-api-key'.");
    }

    public static GatewayError modelNotFound(String alias) {
        return new GatewayError(404, ErrorCode.MODEL_NOT_FOUND.code(), ErrorCode.MODEL_NOT_FOUND.type(),
                "The model '" + alias + "' does not exist on this gateway. GET /v1/models lists the models you may use.", "model", FailureClass.NONE, null);
    }

    public static GatewayError modelNotAllowed(String alias) {
        return new GatewayError(403, ErrorCode.MODEL_NOT_ALLOWED.code(), ErrorCode.MODEL_NOT_ALLOWED.type(),
                "This key may not use the model '" + alias + "'.", "model", FailureClass.NONE, null);
    }

    public static GatewayError internal(String what) {
        return of(ErrorCode.INTERNAL_ERROR, "Internal gateway error in " + what + ". The request id in x-request-id finds it in the logs.");
    }

    /** An upstream failure with the given class (routing may retry or fall back on it). */
    public static GatewayError upstream(ErrorCode code, String message, FailureClass failure, @Nullable Duration retryAfter) {
        return new GatewayError(code.status(), code.code(), code.type(), message, null, failure, retryAfter);
    }

    public GatewayError withRetryAfter(@Nullable Duration after) {
        return new GatewayError(status, code, type, message, param, failure, after);
    }

    public GatewayError withMessage(String newMessage) {
        return new GatewayError(status, code, type, newMessage, param, failure, retryAfter);
    }
}
