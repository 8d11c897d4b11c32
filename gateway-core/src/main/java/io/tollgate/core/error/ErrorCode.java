package io.tollgate.core.error;

/** The error codes of SPEC §4, with their HTTP status and OpenAI error {@code type}. */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request", "invalid_request_error"),
    INVALID_API_KEY(401, "invalid_api_key", "authentication_error"),
    BUDGET_EXCEEDED(402, "budget_exceeded", "budget_exceeded_error"),
    MODEL_NOT_ALLOWED(403, "model_not_allowed", "permission_error"),
    /** A browser's CORS preflight from an origin {@code server.cors.allow-origins} does not list. */
    ORIGIN_NOT_ALLOWED(403, "origin_not_allowed", "permission_error"),
    NOT_FOUND(404, "not_found", "invalid_request_error"),
    MODEL_NOT_FOUND(404, "model_not_found", "invalid_request_error"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed", "invalid_request_error"),
    /** A client that took longer than {@code server.request-read-timeout} to send its request. */
    REQUEST_TIMEOUT(408, "request_timeout", "invalid_request_error"),
    /** An admin change that conflicts with the current state (a config-managed key, a duplicate id). */
    CONFLICT(409, "conflict", "invalid_request_error"),
    REQUEST_TOO_LARGE(413, "request_too_large", "invalid_request_error"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "invalid_request_error"),
    RATE_LIMIT_EXCEEDED(429, "rate_limit_exceeded", "rate_limit_error"),
    GUARDRAIL_BLOCKED(400, "guardrail_blocked", "invalid_request_error"),
    /** An upstream 4xx that retrying cannot fix; status, code and message come from the upstream. */
    UPSTREAM_CLIENT_ERROR(400, "upstream_client_error", "invalid_request_error"),
    INTERNAL_ERROR(500, "internal_error", "server_error"),
    UPSTREAM_ERROR(502, "upstream_error", "server_error"),
    NO_HEALTHY_UPSTREAM(503, "no_healthy_upstream", "server_error"),
    SHUTTING_DOWN(503, "shutting_down", "server_error"),
    /** A client connection over {@code server.max-connections}. */
    TOO_MANY_CONNECTIONS(503, "too_many_connections", "server_error"),
    /** Shared limit/budget state (Redis) unreachable and {@code state.on-redis-error: closed}. */
    STATE_UNAVAILABLE(503, "state_unavailable", "server_error"),
    UPSTREAM_TIMEOUT(504, "upstream_timeout", "timeout_error");

    private final int status;
    private final String code;
    private final String type;

    ErrorCode(int status, String code, String type) {
        this.status = status;
        this.code = code;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String type() {
        return type;
    }
}
