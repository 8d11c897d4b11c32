package io.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Maps OpenAI's error envelope {@code {"error":{"message","type","param","code"}}} (used by every
 * OpenAI-compatible server) to a {@link GatewayError} classified for routing.
 *
 * <ul>
 *   <li>429: {@link FailureClass#RATE_LIMIT}, with {@code retry-after-ms} / {@code retry-after}.
 *       The vendor's message is not relayed: OpenAI's names the organization id.</li>
 *   <li>5xx and 409 (a lock timeout, which OpenAI's SDKs retry): {@link FailureClass#SERVER_ERROR},
 *       502 {@code upstream_error} to the client.</li>
 *   <li>408: {@link FailureClass#TIMEOUT}, 504 {@code upstream_timeout}.</li>
 *   <li>401/403: {@link FailureClass#AUTH}, 502 {@code upstream_error}; the vendor message (which
 *       quotes part of the key) is replaced.</li>
 *   <li>400 {@code context_length_exceeded}: {@link FailureClass#CONTEXT_LENGTH}, vendor fields kept.</li>
 *   <li>other 4xx: passed through with the vendor's status, code, message and param.</li>
 * </ul>
 */
public final class OpenAiErrors {

    private static final int MAX_MESSAGE = 1000;

    private OpenAiErrors() {}

    public static GatewayError toError(String provider, int status, Headers headers, byte[] body) {
        Envelope e = Envelope.parse(body);
        if (status == 429) {
            return new GatewayError(429, ErrorCode.RATE_LIMIT_EXCEEDED.code(), ErrorCode.RATE_LIMIT_EXCEEDED.type(),
                    "Upstream '" + provider + "' is rate limiting requests" + (e.code == null ? "" : " (" + e.code + ")") + ". Try again later.",
                    null, FailureClass.RATE_LIMIT, retryAfter(headers));
        }
        if (status == 401 || status == 403) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Upstream '" + provider + "' rejected the gateway's credentials (HTTP " + status + "). An operator must fix the provider's api-key.",
                    FailureClass.AUTH, null);
        }
        // OpenAI's own SDKs retry 408 (request timeout) and 409 (lock timeout) besides 429 and 5xx
        if (status == 408) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_TIMEOUT,
                    "Upstream '" + provider + "' timed out processing the request (HTTP 408).", FailureClass.TIMEOUT, retryAfter(headers));
        }
        if (status >= 500 || status == 409) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Upstream '" + provider + "' failed with HTTP " + status + (e.message == null ? "" : ": " + e.message),
                    FailureClass.SERVER_ERROR, retryAfter(headers));
        }
        String message = e.message != null ? e.message : "Upstream '" + provider + "' rejected the request with HTTP " + status + ".";
        String type = e.type != null ? e.type : ErrorCode.UPSTREAM_CLIENT_ERROR.type();
        if (isContextLength(e)) {
            return new GatewayError(status, "context_length_exceeded", type, message, e.param, FailureClass.CONTEXT_LENGTH, null);
        }
        String code = e.code != null ? e.code : e.type != null ? e.type : ErrorCode.UPSTREAM_CLIENT_ERROR.code();
        return new GatewayError(status, code, type, message, e.param, FailureClass.CLIENT_ERROR, null);
    }

    /** An {@code {"error":{...}}} object sent inside a 200 stream (OpenAI does this on mid-stream failures). */
    public static GatewayError streamError(String provider, JsonNode root) {
        Envelope e = Envelope.of(root);
        if (isContextLength(e)) {
            return new GatewayError(400, "context_length_exceeded", e.type == null ? "invalid_request_error" : e.type,
                    e.message == null ? "context length exceeded" : e.message, e.param, FailureClass.CONTEXT_LENGTH, null);
        }
        return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                "Upstream '" + provider + "' failed mid-stream" + (e.message == null ? "" : ": " + e.message), FailureClass.SERVER_ERROR, null);
    }

    /** A 200 stream that ended without {@code [DONE]}, a finish reason or a terminal event. */
    public static GatewayError truncatedStream(String provider) {
        return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                "Upstream '" + provider + "' ended the stream before the answer was complete.", FailureClass.CONNECTION, null);
    }

    private static boolean isContextLength(Envelope e) {
        return "context_length_exceeded".equals(e.code);
    }

    /** {@code retry-after-ms} (OpenAI's, fractional ms) wins over {@code retry-after} (seconds). HTTP dates are ignored. */
    static @Nullable Duration retryAfter(Headers headers) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                double v = Double.parseDouble(ms.trim());
                if (v >= 0 && v < 86_400_000d) return Duration.ofNanos((long) (v * 1_000_000));
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        String s = headers.get("retry-after");
        if (s != null) {
            try {
                double v = Double.parseDouble(s.trim());
                if (v >= 0 && v < 86_400d) return Duration.ofMillis((long) (v * 1000));
            } catch (NumberFormatException ignored) {
                return null;   // an HTTP-date: rare from LLM vendors, and the router's backoff covers it
            }
        }
        return null;
    }

    private record Envelope(@Nullable String message, @Nullable String type, @Nullable String code, @Nullable String param) {

        static Envelope parse(byte[] body) {
            if (body.length == 0) return new Envelope(null, null, null, null);
            try {
                return of(Json.parseAnswer(body));
            } catch (IOException | RuntimeException e) {
                return new Envelope(null, null, null, null);   // HTML from a proxy, plain text: nothing to relay
            }
        }

        static Envelope of(JsonNode root) {
            JsonNode err = root.path("error");
            if (err.isTextual()) {   // some compatible servers send {"error":"text"}
                return new Envelope(clip(err.asText()), null, null, null);
            }
            JsonNode src = err.isObject() ? err : root;
            return new Envelope(clip(text(src.get("message"))), text(src.get("type")), text(src.get("code")), text(src.get("param")));
        }

        private static @Nullable String text(@Nullable JsonNode n) {
            if (n == null || n.isNull() || n.isContainerNode()) return null;
            String s = n.asText();
            return s.isEmpty() ? null : s;
        }

        private static @Nullable String clip(@Nullable String s) {
            return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
        }
    }
}
