package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.metering.CostCalculator;
import io.tollgate.core.metering.MeteringFilter;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.routing.ModelRouter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The response cache. An exact hit answers at once (unary, or replayed as SSE chunks for a streamed
 * request) at cost 0, recording what it saved. On an exact miss, an alias that opted in to the
 * semantic cache looks for an answer to a near-duplicate question ({@link SemanticCache}). A miss
 * proceeds and its hook stores the successful answer (unary body, or the answer assembled from the
 * stream) with the cost metering recorded, and remembers its question for semantic lookups.
 */
final class CacheFilter implements GatewayFilter {

    /** Counters registered once by the factory. */
    record Meters(Counter hit, Counter semanticHit, Counter miss, Counter bypass, Counter savedUsd) {}

    /** Response header of a semantic hit: how similar the question was to the one first answered. */
    static final String SIMILARITY_HEADER = "x-gateway-cache-similarity";

    private final CacheConfig config;
    private final ResponseCache cache;
    private final Meters meters;
    private final @Nullable SemanticCache semantic;

    CacheFilter(CacheConfig config, ResponseCache cache, Meters meters, @Nullable SemanticCache semantic) {
        this.config = config;
        this.cache = cache;
        this.meters = meters;
        this.semantic = semantic;
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        GatewayRequest req = ex.request();
        if (req.api() != ApiKind.CHAT_COMPLETIONS && req.api() != ApiKind.EMBEDDINGS) {
            return bypass(ex, null);
        }
        CacheDirectives directives;
        try {
            directives = CacheDirectives.parse(ex.requestHeaders().get(CacheDirectives.HEADER));
        } catch (GatewayException e) {
            return FilterDecision.reject(e.error());
        }
        if (req.api() == ApiKind.CHAT_COMPLETIONS && !config.cacheNonDeterministic() && !isDeterministic(req)) {
            return bypass(ex, null);
        }
        String key = CacheKey.of(req, ex.principal(), config.scope());
        Duration ttl = directives.ttl() != null ? directives.ttl() : config.ttl();
        StoreHook store = directives.noStore() ? null : new StoreHook(cache, key, ttl, semantic);
        if (directives.noCache()) {
            if (store != null && semantic != null) {
                store.question = questionOf(ex);
                store.embedOnStore = true;   // no lookup, so no vector yet: embed once there is an answer to remember
            }
            return bypass(ex, store);
        }
        CompletableFuture<Optional<CachedAnswer>> lookup = onLoop(cache.get(key).toCompletableFuture(), ex);
        return lookup.thenCompose(found -> found.isPresent()
                ? CompletableFuture.completedFuture(hit(ex, found.get()))
                : semanticLookup(ex, store));
    }

    /** After an exact miss: the nearest question asked in the same context, if the alias opted in. */
    private CompletionStage<FilterDecision> semanticLookup(Exchange ex, @Nullable StoreHook store) {
        if (semantic == null) {
            return CompletableFuture.completedFuture(miss(ex, store));
        }
        SemanticQuestion question = questionOf(ex);
        if (question == null) {
            return CompletableFuture.completedFuture(miss(ex, store));
        }
        if (store != null) {
            store.question = question;
        }
        return semantic.lookup(ex, question).thenCompose(found -> {
            if (store != null) {
                store.vector = found.vector();
            }
            SemanticIndex.Nearest nearest = found.nearest();
            if (nearest == null || nearest.similarity() < question.settings().threshold()) {
                return CompletableFuture.completedFuture(miss(ex, store));
            }
            return onLoop(cache.get(nearest.answerKey()).toCompletableFuture(), ex).thenApply(answer -> {
                if (answer.isEmpty()) {   // evicted or purged from the exact cache since
                    semantic.forget(nearest);
                    return miss(ex, store);
                }
                return semanticHit(ex, answer.get(), nearest.similarity());
            });
        }).exceptionally(error -> miss(ex, store));   // a bug here must not fail the request either
    }

    /** The request's question for the semantic cache, or null (not opted in, not applicable, or a bug: never a failure). */
    private @Nullable SemanticQuestion questionOf(Exchange ex) {
        try {
            return semantic == null ? null : semantic.question(ex, config.scope());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code f}, or a stage completing on the exchange's event loop if {@code f} completes elsewhere (a Redis reply). */
    private static <T> CompletableFuture<T> onLoop(CompletableFuture<T> f, Exchange ex) {
        return f.isDone() ? f : f.whenCompleteAsync((r, e) -> { }, ex.eventLoop());
    }

    /** Temperature 0 asks for the same answer every time; anything else (or the provider default) does not. */
    private static boolean isDeterministic(GatewayRequest req) {
        Double t = req.temperature();
        return t != null && t == 0.0;
    }

    private CompletionStage<FilterDecision> bypass(Exchange ex, @Nullable StoreHook store) {
        mark(ex, "bypass");
        meters.bypass.increment();
        return store == null ? FilterDecision.proceed() : FilterDecision.proceed(store);
    }

    private FilterDecision miss(Exchange ex, @Nullable StoreHook store) {
        mark(ex, "miss");
        meters.miss.increment();
        return new FilterDecision.Proceed(store == null ? ResponseHook.NONE : store);
    }

    private FilterDecision semanticHit(Exchange ex, CachedAnswer answer, double similarity) {
        ex.record().cache("semantic_hit");
        ex.responseHeader(CacheDirectives.HEADER, "hit");
        ex.responseHeader(SIMILARITY_HEADER, String.format(java.util.Locale.ROOT, "%.4f", similarity));
        meters.semanticHit.increment();
        return answer(ex, answer);
    }

    private FilterDecision hit(Exchange ex, CachedAnswer answer) {
        mark(ex, "hit");
        meters.hit.increment();
        return answer(ex, answer);
    }

    /**
     * Serves a stored answer at cost 0, recording what it saved. The route headers name the provider and
     * model that produced it, with 0 attempts: this call reached no upstream.
     */
    private FilterDecision answer(Exchange ex, CachedAnswer answer) {
        meters.savedUsd.increment(answer.costUsd());
        ex.record().costSavedUsd(answer.costUsd());
        ex.record().costUsd(0);
        ex.responseHeader(ModelRouter.PROVIDER_HEADER, answer.provider());
        ex.responseHeader(ModelRouter.MODEL_HEADER, answer.model());
        ex.responseHeader(ModelRouter.ATTEMPTS_HEADER, "0");
        GatewayRequest req = ex.request();
        if (req.stream() && req.api().canStream()) {
            boolean includeUsage = req.json().path("stream_options").path("include_usage").asBoolean(false);
            return new FilterDecision.Respond(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")),
                    AnswerAssembler.replay(answer.json(), includeUsage));
        }
        ex.responseHeader(MeteringFilter.COST_HEADER, CostCalculator.format(0));
        MutableHeaders json = MutableHeaders.of("content-type", "application/json");
        return new FilterDecision.Respond(GatewayResponse.unary(200, json, answer.body(), null), java.util.List.of());
    }

    private static void mark(Exchange ex, String result) {
        ex.record().cache(result);
        ex.responseHeader(CacheDirectives.HEADER, result);
    }

    /**
     * Stores the successful answer once the request completed (after metering priced it), and
     * remembers its question for semantic lookups: with the vector the lookup computed, or embedded
     * now when there was no lookup ({@code no-cache}).
     */
    private static final class StoreHook implements ResponseHook {
        private final ResponseCache cache;
        private final String key;
        private final Duration ttl;
        private final @Nullable SemanticCache semantic;
        private byte @Nullable [] unary;
        private @Nullable AnswerAssembler stream;
        /** Set by the lookup when the alias opted in to the semantic cache and the request has a question. */
        @Nullable SemanticQuestion question;
        /** The question's vector; null after a failed embedding, or when there was no lookup. */
        float @Nullable [] vector;
        /** True when there was no lookup ({@code no-cache}): the question is embedded after the answer. */
        boolean embedOnStore;

        StoreHook(ResponseCache cache, String key, Duration ttl, @Nullable SemanticCache semantic) {
            this.cache = cache;
            this.key = key;
            this.ttl = ttl;
            this.semantic = semantic;
        }

        @Override
        public void onResponse(Exchange ex, GatewayResponse response) {
            if (response.status() != 200) {
                return;
            }
            if (response.isStreaming()) {
                stream = new AnswerAssembler();
            } else if (response.json().isObject() && response.json().size() > 0 && !response.json().has("error")) {
                unary = response.body();   // as the client received it: a hit writes these bytes as they are
            }
        }

        @Override
        public @Nullable StreamChunk onChunk(Exchange ex, StreamChunk chunk) {
            if (stream != null) {
                stream.accept(chunk);
            }
            return chunk;
        }

        @Override
        public void onComplete(Exchange ex, Completion completion) {
            if (!completion.isSuccess()) {
                return;
            }
            byte[] answer = unary != null ? unary : assembled();
            if (answer == null) {
                return;
            }
            cache.put(key, new CachedAnswer(answer, ex.record().costUsd(), ex.record().provider(), ex.record().upstreamModel()), ttl);
            if (semantic != null && question != null) {
                if (vector != null) {
                    semantic.store(question, vector, key, ttl);
                } else if (embedOnStore) {
                    semantic.embedAndStore(ex, question, key, ttl);
                }
            }
        }

        /** The streamed answer as one {@code chat.completion}, or null if it cannot be replayed as one. */
        private byte @Nullable [] assembled() {
            JsonNode whole = stream == null ? null : stream.result();
            return whole == null ? null : Json.bytes(whole);
        }
    }

}
