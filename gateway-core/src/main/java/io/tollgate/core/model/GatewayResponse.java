package io.tollgate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The head of an answer, and for unary answers its whole body, in the canonical format of the
 * request's API. A streamed answer has no body here: its chunks flow through
 * {@link io.tollgate.core.filter.ResponseHook#onChunk}.
 */
public final class GatewayResponse {

    private final int status;
    private final MutableHeaders headers;
    private byte @Nullable [] body;
    private final boolean streaming;
    private final @Nullable TokenUsage usage;
    private @Nullable JsonNode json;

    private GatewayResponse(int status, MutableHeaders headers, byte @Nullable [] body, boolean streaming, @Nullable TokenUsage usage) {
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body;
        this.streaming = streaming;
        this.usage = usage;
    }

    /** A complete JSON answer. {@code usage} is what the provider reported, or null if it did not. */
    public static GatewayResponse unary(int status, MutableHeaders headers, byte[] body, @Nullable TokenUsage usage) {
        return new GatewayResponse(status, headers, Objects.requireNonNull(body, "body"), false, usage);
    }

    public static GatewayResponse json(int status, JsonNode json, @Nullable TokenUsage usage) {
        GatewayResponse r = unary(status, MutableHeaders.of("content-type", "application/json"), Json.bytes(json), usage);
        r.json = json;
        return r;
    }

    /** The head of a streamed answer ({@code text/event-stream}); chunks follow. */
    public static GatewayResponse streaming(int status, MutableHeaders headers) {
        return new GatewayResponse(status, headers, null, true, null);
    }

    public int status() {
        return status;
    }

    /** Mutable so hooks can add headers before the head is written. */
    public MutableHeaders headers() {
        return headers;
    }

    public boolean isStreaming() {
        return streaming;
    }

    /** The unary body; throws for a streamed answer. */
    public byte[] body() {
        if (body == null) {
            throw new IllegalStateException("a streamed response has no body");
        }
        return body;
    }

    /**
     * Replaces a unary body with {@code newJson} (a guardrail redacting an answer): hooks that run
     * after this one and the client see the new body. Pass a tree of your own, not {@link #json()}
     * edited in place, which may be shared (a cache entry's).
     */
    public void body(JsonNode newJson) {
        if (streaming) {
            throw new IllegalStateException("a streamed response has no body");
        }
        body = Json.bytes(newJson);
        json = newJson;
    }

    public @Nullable TokenUsage usage() {
        return usage;
    }

    /** The unary body parsed once; an empty object if it is not JSON. */
    public JsonNode json() {
        JsonNode j = json;
        if (j == null) {
            try {
                j = Json.parseAnswer(body());
            } catch (IOException e) {
                j = Json.object();
            }
            json = j;
        }
        return j;
    }
}
