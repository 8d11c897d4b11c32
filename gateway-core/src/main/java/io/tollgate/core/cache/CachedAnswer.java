package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A stored successful answer: the canonical unary body (a {@code chat.completion}, or an embeddings
 * list; streamed answers are assembled into a {@code chat.completion} first) and what it cost upstream.
 */
public record CachedAnswer(JsonNode body, double costUsd) {

    /** Serialized size, the memory backend's weight. */
    public byte[] toBytes() {
        ObjectNode o = Json.object().put("cost_usd", costUsd);
        o.set("body", body);
        return Json.bytes(o);
    }

    public static CachedAnswer fromBytes(byte[] bytes) {
        try {
            JsonNode o = Json.parseAnswer(bytes);
            return new CachedAnswer(o.get("body"), o.path("cost_usd").asDouble());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
