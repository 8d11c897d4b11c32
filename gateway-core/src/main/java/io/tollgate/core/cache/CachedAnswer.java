package io.tollgate.core.cache;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A stored successful answer: the canonical unary body (a {@code chat.completion}, or an embeddings
 * list; streamed answers are assembled into a {@code chat.completion} first), what it cost upstream, and
 * the provider and upstream model that produced it (empty in entries stored before they were kept).
 *
 * <p>The body is kept as the bytes the client receives, so a unary hit is written as stored: parsing
 * the entry into a tree and serializing it again took half of a hit's time in the gateway
 * ({@code FilterChainBenchmark.fullChainCacheHit}). The array is shared by every hit and never written to.
 */
public record CachedAnswer(byte[] body, double costUsd, String provider, String model) {

    public static CachedAnswer of(JsonNode body, double costUsd, String provider, String model) {
        return new CachedAnswer(Json.bytes(body), costUsd, provider, model);
    }

    /** The body as a new tree (a streamed request's hit is replayed from it as chunks). */
    public JsonNode json() {
        try {
            return Json.parseAnswer(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // stored by this class from a tree: a bug if it happens
        }
    }

    /** About what the entry holds in memory: the memory backend's weight. */
    public int size() {
        return body.length + provider.length() + model.length();
    }

    /** The entry as a shared backend stores it: {@code {"cost_usd":..,"provider":..,"model":..,"body":{..}}}. */
    public byte[] toBytes() {
        ObjectNode o = Json.object().put("cost_usd", costUsd).put("provider", provider).put("model", model);
        o.putRawValue("body", new RawValue(new String(body, StandardCharsets.UTF_8)));
        return Json.bytes(o);
    }

    /** Reads {@link #toBytes()}'s form; the body is sliced out of {@code bytes}, not parsed into a tree. */
    public static CachedAnswer fromBytes(byte[] bytes) {
        try (JsonParser p = Json.answerParser(bytes, 0, bytes.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a cache entry is not a JSON object");
            }
            double cost = 0;
            String provider = "";
            String model = "";
            byte[] body = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "cost_usd" -> cost = p.getValueAsDouble();
                    case "provider" -> provider = p.getValueAsString("");
                    case "model" -> model = p.getValueAsString("");
                    case "body" -> {
                        if (!p.currentToken().isStructStart()) {
                            throw new IOException("a cache entry's body is not a JSON object");
                        }
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        body = Arrays.copyOfRange(bytes, start, (int) p.currentLocation().getByteOffset());
                    }
                    default -> p.skipChildren();
                }
            }
            if (body == null) {
                throw new IOException("a cache entry without a body");
            }
            return new CachedAnswer(body, cost, provider, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
