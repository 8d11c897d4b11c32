package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The exact response cache. A hit answers at once (unary, or replayed as SSE chunks for a streamed
 * request) at cost 0, recording what it saved; a miss proceeds and its hook stores the successful
 * answer (unary body, or the answer assembled from the stream) with the cost metering recorded.
 */
final class CacheFilter implements GatewayFilter {

    /** Counters registered once by the factory. */
    record Meters(Counter hit, Counter miss, Counter bypass, Counter savedUsd) {}

    private final CacheConfig config;
    private final ResponseCache cache;
    private final Meters meters;

    CacheFilter(CacheConfig config, ResponseCache cache, Meters meters) {
        this.config = config;
        this.cache = cache;
        this.meters = meters;
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
        StoreHook store = directives.noStore() ? null : new StoreHook(cache, key, ttl);
        if (directives.noCache()) {
            return bypass(ex, store);
        }
        var lookup = cache.get(key).toCompletableFuture();
        java.util.function.Function<Optional<CachedAnswer>, FilterDecision> decide =
                found -> found.map(answer -> hit(ex, answer)).orElseGet(() -> miss(ex, store));
        // the exchange is confined to its event loop: a Redis reply arrives on Lettuce's thread
        return lookup.isDone() ? lookup.thenApply(decide) : lookup.thenApplyAsync(decide, ex.eventLoop());
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

    private FilterDecision hit(Exchange ex, CachedAnswer answer) {
        mark(ex, "hit");
        meters.hit.increment();
        meters.savedUsd.increment(answer.costUsd());
        ex.record().costSavedUsd(answer.costUsd());
        ex.record().costUsd(0);
        GatewayRequest req = ex.request();
        if (req.stream() && req.api().canStream()) {
            boolean includeUsage = req.json().path("stream_options").path("include_usage").asBoolean(false);
            return new FilterDecision.Respond(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")),
                    AnswerAssembler.replay(answer.body(), includeUsage));
        }
        return new FilterDecision.Respond(GatewayResponse.json(200, answer.body(), null), java.util.List.of());
    }

    private static void mark(Exchange ex, String result) {
        ex.record().cache(result);
        ex.responseHeader(CacheDirectives.HEADER, result);
    }

    /** Stores the successful answer once the request completed (after metering priced it). */
    private static final class StoreHook implements ResponseHook {
        private final ResponseCache cache;
        private final String key;
        private final Duration ttl;
        private @Nullable JsonNode unary;
        private @Nullable AnswerAssembler stream;

        StoreHook(ResponseCache cache, String key, Duration ttl) {
            this.cache = cache;
            this.key = key;
            this.ttl = ttl;
        }

        @Override
        public void onResponse(Exchange ex, GatewayResponse response) {
            if (response.status() != 200) {
                return;
            }
            if (response.isStreaming()) {
                stream = new AnswerAssembler();
            } else if (response.json().isObject() && response.json().size() > 0 && !response.json().has("error")) {
                unary = response.json();
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
            JsonNode answer = unary != null ? unary : stream != null ? stream.result() : null;
            if (answer != null) {
                cache.put(key, new CachedAnswer(answer, ex.record().costUsd()), ttl);
            }
        }
    }

}
