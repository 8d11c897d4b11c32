package io.tollgate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The canonical request body: OpenAI's shape for the request's {@link ApiKind}, parsed once.
 *
 * <p>Filters read {@link #json()}. A filter that changes the body calls {@link #edit()}, which marks
 * the request dirty; {@link #bytes()} then re-serializes once. An untouched request is forwarded with
 * the client's own bytes: no JSON re-serialization on the hot path.
 *
 * <p>Confined to the request's event loop, like the rest of the exchange.
 */
public final class GatewayRequest {

    private final ApiKind api;
    private final ObjectNode json;
    private byte @Nullable [] bytes;
    private final @Nullable NativeBody nativeBody;

    private GatewayRequest(ApiKind api, ObjectNode json, byte @Nullable [] bytes, @Nullable NativeBody nativeBody) {
        this.api = Objects.requireNonNull(api, "api");
        this.json = Objects.requireNonNull(json, "json");
        this.bytes = bytes;
        this.nativeBody = nativeBody;
    }

    private GatewayRequest(ApiKind api, ObjectNode json, byte @Nullable [] bytes) {
        this(api, json, bytes, null);
    }

    /**
     * A request that arrived in a vendor's format: {@code canonical} is its translation (what filters
     * read and edit), {@code original} the client's body for adapters that speak that format natively.
     * The canonical body counts as unmodified until a filter calls {@link #edit()}.
     */
    public static GatewayRequest translated(ApiKind api, ObjectNode canonical, NativeBody original) {
        return new GatewayRequest(api, canonical, Json.bytes(canonical), Objects.requireNonNull(original, "original"));
    }

    /** A request parsed from {@code bytes}; those bytes are reused until someone edits the body. */
    public static GatewayRequest parsed(ApiKind api, ObjectNode json, byte[] bytes) {
        return new GatewayRequest(api, json, bytes);
    }

    /** A request built in code (tests, translations); serialized on first use. */
    public static GatewayRequest of(ApiKind api, ObjectNode json) {
        return new GatewayRequest(api, json, null);
    }

    /**
     * The same canonical body presented as another API, without the native body: what the router
     * hands a target that does not speak the client's API natively (a {@code /v1/messages} request,
     * canonical chat inside, to an OpenAI target: {@code withApi(CHAT_COMPLETIONS)}). Shares the JSON
     * tree and bytes (adapters do not mutate requests), so it costs no copy.
     */
    public GatewayRequest withApi(ApiKind otherApi) {
        return new GatewayRequest(otherApi, json, bytes, null);
    }

    public ApiKind api() {
        return api;
    }

    /** Read-only view by convention: call {@link #edit()} before changing anything. */
    public ObjectNode json() {
        return json;
    }

    /** The body for changing; invalidates the cached bytes. */
    public ObjectNode edit() {
        bytes = null;
        return json;
    }

    /** The body as JSON bytes: the client's own when nothing changed. */
    public byte[] bytes() {
        byte[] b = bytes;
        if (b == null) {
            b = Json.bytes(json);
            bytes = b;
        }
        return b;
    }

    /**
     * The client's original vendor-format body, or null when there is none or a filter edited the
     * canonical body since (then only the canonical translation reflects what should be sent).
     */
    public @Nullable NativeBody nativeBody() {
        return isModified() ? null : nativeBody;
    }

    public boolean isModified() {
        return bytes == null;
    }

    /** The model (alias) asked for; empty when absent (the prompt filter may set it). */
    public String model() {
        JsonNode m = json.get("model");
        return m != null && m.isTextual() ? m.asText() : "";
    }

    public void model(String model) {
        edit().put("model", model);
    }

    public boolean stream() {
        JsonNode s = json.get("stream");
        return s != null && s.asBoolean(false);
    }

    /** {@code messages} of a chat request; an empty array when absent. */
    public ArrayNode messages() {
        JsonNode m = json.get("messages");
        return m instanceof ArrayNode a ? a : Json.NODES.arrayNode();
    }

    /** Sampling temperature, or null when the client left the provider default. */
    public @Nullable Double temperature() {
        JsonNode t = json.get("temperature");
        return t != null && t.isNumber() ? t.asDouble() : null;
    }

    /** The {@code user} body field, or null. */
    public @Nullable String user() {
        JsonNode u = json.get("user");
        return u != null && u.isTextual() ? u.asText() : null;
    }
}
