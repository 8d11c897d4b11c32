package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.config.SemanticCacheConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.GatewayClient;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic half of the response cache, for the aliases that opt in: embeds a chat request's last
 * user turn through the alias's embedding model ({@link GatewayClient}: through the gateway itself,
 * as the caller) and finds the most similar question asked in the same context ({@link SemanticIndex}).
 * Never fails a request: an embedding error or timeout is a miss, counted and logged at most every 30 s.
 */
final class SemanticCache {

    /** The internal request's purpose: its id is {@code <request id>:semantic-cache}. */
    static final String PURPOSE = "semantic-cache";

    private static final Logger log = LoggerFactory.getLogger(SemanticCache.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Multiply-adds a lookup may do on the event loop: 128 questions of 512 dimensions, ~50 µs. */
    static final long INLINE_SCAN = 128 * 512;

    /** Meters registered once by the factory. */
    record Meters(Counter timeouts, Counter errors, DistributionSummary similarity) {}

    /**
     * What a lookup found: the question's unit vector (null when embedding failed) and the most
     * similar question stored for its context (null when there is none).
     */
    record Lookup(float @Nullable [] vector, SemanticIndex.@Nullable Nearest nearest) {
        static final Lookup FAILED = new Lookup(null, null);
    }

    private final Map<String, SemanticCacheConfig> aliases;
    private final SemanticIndex index;
    private final GatewayClient client;
    private final Meters meters;
    private final Executor scans;
    private volatile long lastLogNanos = System.nanoTime() - LOG_EVERY_NANOS;

    SemanticCache(Map<String, SemanticCacheConfig> aliases, SemanticIndex index, GatewayClient client, Meters meters, Executor scans) {
        this.aliases = Map.copyOf(aliases);
        this.index = index;
        this.client = client;
        this.meters = meters;
        this.scans = scans;
    }

    /** The question a chat request to an opted-in alias asks, or null when the semantic cache does not apply. */
    @Nullable SemanticQuestion question(Exchange ex, CacheConfig.Scope scope) {
        GatewayRequest req = ex.request();
        SemanticCacheConfig s = req.api() == ApiKind.CHAT_COMPLETIONS ? aliases.get(req.model()) : null;
        return s == null ? null : SemanticQuestion.of(req, ex.principal(), scope, s);
    }

    /**
     * Embeds the question and finds its nearest neighbour. Completes on the event loop, never
     * exceptionally. Scans longer than {@link #INLINE_SCAN} multiply-adds (about 50 µs) run on
     * {@code scans}, off the event loop.
     */
    CompletionStage<Lookup> lookup(Exchange ex, SemanticQuestion q) {
        return embed(ex, q).handle((vector, error) -> {
            if (error != null) {
                failed(error);
                return CompletableFuture.completedFuture(Lookup.FAILED);
            }
            if ((long) index.size(q.context(), vector.length) * vector.length <= INLINE_SCAN) {
                return CompletableFuture.completedFuture(found(q, vector));
            }
            return CompletableFuture.supplyAsync(() -> found(q, vector), scans)
                    .exceptionally(e -> Lookup.FAILED)
                    .whenCompleteAsync((r, e) -> { }, ex.eventLoop());
        }).thenCompose(f -> f);
    }

    private Lookup found(SemanticQuestion q, float[] vector) {
        SemanticIndex.Nearest nearest = index.nearest(q.context(), vector);
        if (nearest != null) {
            meters.similarity().record(nearest.similarity());
        }
        return new Lookup(vector, nearest);
    }

    /** Remembers the question of a stored answer. */
    void store(SemanticQuestion q, float[] vector, String answerKey, Duration ttl) {
        index.put(q.context(), vector, answerKey, ttl);
    }

    /** For an answer stored without a lookup ({@code no-cache}): embeds the question now, then remembers it. */
    void embedAndStore(Exchange ex, SemanticQuestion q, String answerKey, Duration ttl) {
        embed(ex, q).whenComplete((vector, error) -> {
            if (error != null) {
                failed(error);
            } else {
                store(q, vector, answerKey, ttl);
            }
        });
    }

    /** The answer's entry is gone from the exact cache: its vector points nowhere. */
    void forget(SemanticIndex.Nearest nearest) {
        index.remove(nearest.id());
    }

    private CompletableFuture<float[]> embed(Exchange ex, SemanticQuestion q) {
        SemanticCacheConfig s = q.settings();
        ObjectNode body = Json.object().put("model", s.embeddingModel()).put("input", q.text()).put("encoding_format", "float");
        if (s.dimensions() != null) {
            body.put("dimensions", s.dimensions());
        }
        try {
            return client.send(ex, GatewayRequest.of(ApiKind.EMBEDDINGS, body), PURPOSE, s.timeout()).thenApply(SemanticCache::vectorOf);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The unit vector of an OpenAI embeddings answer ({@code data[0].embedding}, floats or base64 little-endian floats). */
    static float[] vectorOf(GatewayResponse response) {
        JsonNode e = response.json().path("data").path(0).path("embedding");
        float[] v;
        if (e.isTextual()) {
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(e.asText())).order(ByteOrder.LITTLE_ENDIAN);
            v = new float[b.remaining() / Float.BYTES];
            b.asFloatBuffer().get(v);
        } else if (e.isArray()) {
            v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                JsonNode x = e.get(i);
                if (!x.isNumber()) {
                    throw new IllegalStateException("the embeddings answer's data[0].embedding[" + i + "] is not a number");
                }
                v[i] = x.floatValue();
            }
        } else {
            throw new IllegalStateException("the embeddings answer has no data[0].embedding");
        }
        float[] unit = SemanticIndex.normalize(v);
        if (unit == null) {
            throw new IllegalStateException("the embedding is empty, zero or not finite");
        }
        return unit;
    }

    private void failed(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean timeout = e instanceof GatewayException ge && ge.error().code().equals(ErrorCode.UPSTREAM_TIMEOUT.code());
        (timeout ? meters.timeouts() : meters.errors()).increment();
        long now = System.nanoTime();
        if (now - lastLogNanos > LOG_EVERY_NANOS) {
            lastLogNanos = now;
            log.warn("semantic cache lookup failed, serving as a miss: {}", e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }
}
