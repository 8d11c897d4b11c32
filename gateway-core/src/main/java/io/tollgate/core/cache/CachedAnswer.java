package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A stored successful answer: the canonical unary body (a {@code chat.completion}, or an embeddings
 * list; streamed answers are assembled into a {@code chat.completion} first), what it cost upstream, and
 * the provider and upstream model that produced it (empty in entries stored before they were kept).
 */
public record CachedAnswer(JsonNode body, double costUsd, String provider, String model) {

    /** Serialized size, the memory backend's weight. */
    public byte[] toBytes() {
        ObjectNode o = Json.object().put("cost_usd", costUsd).put("provider", provider).put("model", model);
        o.set("body", body);
        return Json.bytes(o);
    }

    public static CachedAnswer fromBytes(byte[] bytes) {
        try {
            JsonNode o = Json.parseAnswer(bytes);
            return new CachedAnswer(o.get("body"), o.path("cost_usd").asDouble(), o.path("provider").asText(""), o.path("model").asText(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
