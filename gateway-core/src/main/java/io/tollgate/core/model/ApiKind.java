package io.tollgate.core.model;

/** The client-facing API a request arrived on; decides the canonical shape and the client's wire format. */
public enum ApiKind {
    CHAT_COMPLETIONS("/v1/chat/completions"),
    COMPLETIONS("/v1/completions"),
    EMBEDDINGS("/v1/embeddings"),
    RESPONSES("/v1/responses"),
    /** Anthropic Messages inbound: translated to {@link #CHAT_COMPLETIONS} unless the target speaks it natively. */
    MESSAGES("/v1/messages");

    private final String path;

    ApiKind(String path) {
        this.path = path;
    }

    /** The path clients call, e.g. {@code /v1/chat/completions}. */
    public String path() {
        return path;
    }

    /** Whether answers can be streamed as server-sent events on this API. */
    public boolean canStream() {
        return this != EMBEDDINGS;
    }
}
