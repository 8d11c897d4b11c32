package io.tollgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.ChainClient;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache in the cache filter, with embeddings answered through the real
 * {@link ChainClient} by a terminal that knows a vector per text (chosen so similarities are exact:
 * the IT measures real paraphrases with a real model).
 */
class SemanticCacheTest {

    static final String FRANCE = "What is the capital of France?";
    static final String PARAPHRASE = "Which city is France's capital?";   // cosine 0.95 with FRANCE
    static final String GERMANY = "What is the capital of Germany?";     // cosine 0.80: below 0.9
    static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":2,\"total_tokens\":16}}";

    final FakeTicker ticker = new FakeTicker();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DefaultFilterServices services = TestFilterServices.of(registry, ticker, new MutableClock(Instant.parse("2026-01-15T12:00:00Z")));
    final Map<String, float[]> vectors = new HashMap<>();
    /** The internal requests the terminal saw. */
    final List<Exchange> embedCalls = new CopyOnWriteArrayList<>();
    volatile Terminal embeddings = this::answerEmbedding;

    @BeforeEach
    void setUp() {
        vectors.put(FRANCE, new float[] {1, 0, 0});
        vectors.put(PARAPHRASE, new float[] {0.95f, (float) Math.sqrt(1 - 0.95 * 0.95), 0});
        vectors.put(GERMANY, new float[] {0.8f, 0, 0.6f});
        FilterChain internal = new FilterChain(List.of(), (ex, sink) -> {
            embedCalls.add(ex);
            embeddings.handle(ex, sink);
        }, List.of());
        services.gatewayClient(new ChainClient(() -> internal, services.scheduler()));
    }

    @AfterEach
    void close() {
        services.close();
    }

    /** Vectors as long as a small real model's, zero beyond the first three. */
    static final int DIMS = 512;

    private void answerEmbedding(Exchange ex, io.tollgate.core.filter.ResponseSink sink) {
        float[] v = vectors.getOrDefault(ex.request().json().path("input").asText(), new float[] {0, 1, 0});
        ObjectNode body = Json.object().put("object", "list").put("model", "e");
        ArrayNode emb = body.putArray("data").addObject().put("object", "embedding").put("index", 0).putArray("embedding");
        for (int i = 0; i < DIMS; i++) {
            emb.add(i < v.length ? v[i] : 0f);
        }
        sink.unary(GatewayResponse.json(200, body, TokenUsage.of(7, 0)));
    }

    static String yaml(String semantic) {
        return """
                providers: { p: { type: mock } }
                models:
                  chat:  { targets: [ { provider: p, model: m } ], cache: { semantic: %s } }
                  chat2: { targets: [ { provider: p, model: m } ], cache: { semantic: %s } }
                  plain: { targets: [ { provider: p, model: m } ] }
                  embed: { targets: [ { provider: p, model: e } ] }
                cache: { enabled: true, ttl: 10m, scope: key }
                """.formatted(semantic, semantic);
    }

    GatewayFilter filter() {
        return filter("{ embedding-model: embed, threshold: 0.9 }");
    }

    GatewayFilter filter(String semantic) {
        GatewayConfig config = ConfigLoader.parse(yaml(semantic), "test.yaml").orThrow();
        return new CacheFilterFactory().create(config, services);
    }

    static String ask(String alias, String question) {
        return ask(alias, "You are a geography tutor.", question);
    }

    static String ask(String alias, String system, String question) {
        ObjectNode body = Json.object().put("model", alias).put("temperature", 0);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", question);
        return body.toString();
    }

    static DefaultExchange chat(String body, String... headers) {
        return CacheFilterTest.exchange(ApiKind.CHAT_COMPLETIONS, body, "key-a", null, headers);
    }

    FilterDecision decide(GatewayFilter f, DefaultExchange ex) {
        return f.onRequest(ex).toCompletableFuture().join();
    }

    /** Plays the upstream's answer through the miss's hook, as the chain would. */
    static void answer(FilterDecision miss, DefaultExchange ex, double cost) {
        CacheFilterTest.answerUnary(miss, ex, ANSWER.getBytes(java.nio.charset.StandardCharsets.UTF_8), cost);
    }

    double lookups(String result) {
        return registry.get("gateway.cache.lookups").tag("result", result).counter().count();
    }

    double errors(String reason) {
        return registry.get("gateway.cache.semantic.errors").tag("reason", reason).counter().count();
    }

    @Test
    void aParaphraseAboveTheThresholdIsServedAndAnUnrelatedQuestionIsNot() {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ask("chat", FRANCE));
        FilterDecision miss = decide(f, first);
        assertThat(miss).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(first.record().cache()).isEqualTo("miss");
        answer(miss, first, 0.002);

        DefaultExchange paraphrase = chat(ask("chat", PARAPHRASE));
        assertThat(decide(f, paraphrase)).isInstanceOfSatisfying(FilterDecision.Respond.class, r ->
                assertThat(r.response().json().at("/choices/0/message/content").asText()).isEqualTo("Paris."));
        assertThat(paraphrase.responseHeaders().get("x-gateway-cache")).isEqualTo("hit");
        assertThat(paraphrase.responseHeaders().get("x-gateway-cache-similarity")).isEqualTo("0.9500");
        assertThat(paraphrase.record().cache()).isEqualTo("semantic_hit");
        assertThat(paraphrase.record().costUsd()).isZero();
        assertThat(paraphrase.record().costSavedUsd()).isEqualTo(0.002);

        DefaultExchange unrelated = chat(ask("chat", GERMANY));
        assertThat(decide(f, unrelated)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(unrelated.record().cache()).isEqualTo("miss");
        assertThat(unrelated.responseHeaders().get("x-gateway-cache-similarity")).isNull();

        assertThat(lookups("semantic_hit")).isEqualTo(1);
        assertThat(lookups("miss")).isEqualTo(2);
        assertThat(registry.get("gateway.cache.saved.usd").counter().count()).isEqualTo(0.002);
        var similarity = registry.get("gateway.cache.semantic.similarity").summary();
        assertThat(similarity.count()).as("lookups that had a candidate").isEqualTo(2);
        assertThat(similarity.max()).isCloseTo(0.95, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(registry.get("gateway.cache.semantic.entries").gauge().value()).isEqualTo(1);
        assertThat(registry.get("gateway.cache.semantic.bytes").gauge().value()).isPositive();
    }

    @Test
    void theThresholdIsTheAliasOwn() {
        GatewayFilter strict = filter("{ embedding-model: embed, threshold: 0.96 }");
        DefaultExchange first = chat(ask("chat", FRANCE));
        answer(decide(strict, first), first, 0.002);
        assertThat(decide(strict, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(decide(strict, chat(ask("chat", FRANCE + " ")))).as("cosine 1.0 after trimming").isInstanceOf(FilterDecision.Respond.class);
    }

    @Test
    void theEmbeddingIsAskedThroughTheGatewayAsTheCaller() {
        GatewayFilter f = filter("{ embedding-model: embed, threshold: 0.9, dimensions: 256 }");
        DefaultExchange ex = chat(ask("chat", FRANCE), "x-request-id", "r1");
        ex.record().user("alice");
        ex.record().tags().put("feature", "faq");
        decide(f, ex);

        assertThat(embedCalls).hasSize(1);
        Exchange call = embedCalls.get(0);
        assertThat(call.api()).isEqualTo(ApiKind.EMBEDDINGS);
        assertThat(call.requestId()).isEqualTo(ex.requestId() + ":semantic-cache");
        assertThat(call.principal()).isEqualTo(ex.principal());
        assertThat(call.record().user()).isEqualTo("alice");
        assertThat(call.record().tags()).containsEntry("feature", "faq");
        JsonNode body = call.request().json();
        assertThat(body.get("model").asText()).isEqualTo("embed");
        assertThat(body.get("input").asText()).isEqualTo(FRANCE);
        assertThat(body.get("encoding_format").asText()).isEqualTo("float");
        assertThat(body.get("dimensions").asInt()).isEqualTo(256);
    }

    @Test
    void onlyTheSameScopeAliasAndConversationShareAnswers() {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ask("chat", FRANCE));
        answer(decide(f, first), first, 0.002);

        assertThat(decide(f, chat(ask("chat", "You are a pirate.", PARAPHRASE)))).as("other system prompt").isInstanceOf(FilterDecision.Proceed.class);
        assertThat(decide(f, chat(ask("chat2", PARAPHRASE)))).as("other alias").isInstanceOf(FilterDecision.Proceed.class);
        DefaultExchange otherKey = CacheFilterTest.exchange(ApiKind.CHAT_COMPLETIONS, ask("chat", PARAPHRASE), "key-b", null);
        assertThat(decide(f, otherKey)).as("other key, scope: key").isInstanceOf(FilterDecision.Proceed.class);
        String withParams = ask("chat", PARAPHRASE).replace("\"temperature\":0", "\"temperature\":0,\"max_tokens\":5");
        assertThat(decide(f, chat(withParams))).as("other parameters").isInstanceOf(FilterDecision.Proceed.class);
        String earlierTurn = ask("chat", PARAPHRASE).replace("{\"role\":\"user\"", "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\"");
        assertThat(decide(f, chat(earlierTurn))).as("other earlier turns").isInstanceOf(FilterDecision.Proceed.class);
        assertThat(decide(f, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Respond.class);

        int calls = embedCalls.size();
        DefaultExchange plain = chat(ask("plain", FRANCE));
        decide(f, plain);
        assertThat(embedCalls).as("an alias that did not opt in embeds nothing").hasSize(calls);
        assertThat(plain.record().cache()).isEqualTo("miss");
    }

    @Test
    void onlyAPlainTextUserTurnIsLookedUp() {
        GatewayFilter f = filter();
        String toolResult = "{\"model\":\"chat\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]}";
        String image = "{\"model\":\"chat\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}";
        for (String body : List.of(toolResult, image)) {
            DefaultExchange ex = chat(body);
            assertThat(decide(f, ex)).isInstanceOf(FilterDecision.Proceed.class);
            assertThat(ex.record().cache()).isEqualTo("miss");
        }
        assertThat(embedCalls).isEmpty();

        String parts = "{\"model\":\"chat\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is the capital\"},"
                + "{\"type\":\"text\",\"text\":\"of France?\"}]}]}";
        decide(f, chat(parts));
        assertThat(embedCalls).hasSize(1);
        assertThat(embedCalls.get(0).request().json().get("input").asText()).isEqualTo("What is the capital\nof France?");
    }

    @Test
    void aFailingEmbeddingIsAMissAndTheAnswerIsStillCachedExactly() {
        GatewayFilter f = filter();
        embeddings = (ex, sink) -> sink.fail(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "embeddings down", FailureClass.SERVER_ERROR, null));
        DefaultExchange first = chat(ask("chat", FRANCE));
        FilterDecision d = decide(f, first);
        assertThat(d).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(first.record().cache()).isEqualTo("miss");
        assertThat(errors("error")).isEqualTo(1);
        answer(d, first, 0.002);
        assertThat(registry.get("gateway.cache.semantic.entries").gauge().value()).as("no vector to remember").isZero();
        assertThat(decide(f, chat(ask("chat", FRANCE)))).as("exact hit").isInstanceOf(FilterDecision.Respond.class);

        embeddings = (ex, sink) -> sink.unary(GatewayResponse.json(200, Json.object().put("object", "list"), null));
        assertThat(decide(f, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(errors("error")).as("an answer without a vector").isEqualTo(2);
    }

    @Test
    void aSlowEmbeddingTimesOutAsAMissAndIsStopped() {
        GatewayFilter f = filter("{ embedding-model: embed, threshold: 0.9, timeout: 50ms }");
        AtomicBoolean stopped = new AtomicBoolean();
        embeddings = (ex, sink) -> ex.onCancel(() -> stopped.set(true));   // never answers
        DefaultExchange ex = chat(ask("chat", FRANCE));
        long start = System.nanoTime();
        assertThat(decide(f, ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(ex.record().cache()).isEqualTo("miss");
        assertThat(errors("timeout")).isEqualTo(1);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!stopped.get() && System.nanoTime() < deadline) {
            Thread.onSpinWait();   // the timer thread stops the call right after failing it
        }
        assertThat(stopped).as("the internal call was cancelled").isTrue();
        assertThat(embedCalls.get(0).record().status()).isEqualTo(504);
    }

    @Test
    void withoutAGatewayClientLookupsAreMisses() {
        services.gatewayClient(io.tollgate.core.filter.GatewayClient.UNAVAILABLE);
        GatewayFilter f = filter();
        DefaultExchange ex = chat(ask("chat", FRANCE));
        assertThat(decide(f, ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(errors("error")).isEqualTo(1);
    }

    @Test
    void aVectorWhoseAnswerLeftTheExactCacheIsForgotten() {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ask("chat", FRANCE));
        answer(decide(f, first), first, 0.002);
        services.shared(MemoryResponseCache.class, () -> null).clear();

        DefaultExchange paraphrase = chat(ask("chat", PARAPHRASE));
        assertThat(decide(f, paraphrase)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(paraphrase.record().cache()).isEqualTo("miss");
        assertThat(services.shared(SemanticIndex.class, () -> null).entries()).isZero();
    }

    @Test
    void vectorsExpireWithTheirAnswers() {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ask("chat", FRANCE), "x-gateway-cache", "ttl=30");
        answer(decide(f, first), first, 0.002);
        ticker.advance(Duration.ofSeconds(29));
        assertThat(decide(f, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Respond.class);
        ticker.advance(Duration.ofSeconds(2));
        assertThat(decide(f, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(services.shared(SemanticIndex.class, () -> null).entries()).isZero();
    }

    @Test
    void noCacheStillRemembersTheQuestionAndNoStoreDoesNot() {
        GatewayFilter f = filter();
        DefaultExchange noStore = chat(ask("chat", FRANCE), "x-gateway-cache", "no-store");
        decide(f, noStore);
        assertThat(services.shared(SemanticIndex.class, () -> null).entries()).isZero();

        DefaultExchange noCache = chat(ask("chat", FRANCE), "x-gateway-cache", "no-cache");
        FilterDecision d = decide(f, noCache);
        assertThat(noCache.record().cache()).isEqualTo("bypass");
        int before = embedCalls.size();
        answer(d, noCache, 0.002);
        assertThat(embedCalls).as("embedded once the answer was stored").hasSize(before + 1);
        assertThat(decide(f, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Respond.class);
    }

    @Test
    void aStreamedParaphraseIsReplayedAsChunks() {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ask("chat", FRANCE));
        answer(decide(f, first), first, 0.002);
        String streamed = ask("chat", PARAPHRASE).replace("\"temperature\":0", "\"temperature\":0,\"stream\":true");
        FilterDecision.Respond r = (FilterDecision.Respond) decide(f, chat(streamed));
        assertThat(r.response().isStreaming()).isTrue();
        StringBuilder content = new StringBuilder();
        r.chunks().forEach(c -> c.json().path("choices").forEach(ch -> content.append(ch.path("delta").path("content").asText(""))));
        assertThat(content.toString()).isEqualTo("Paris.");
    }

    @Test
    void largeContextsAreScannedOffTheEventLoopWithTheSameResult() throws Exception {
        GatewayFilter f = filter();
        SemanticIndex index = services.shared(SemanticIndex.class, () -> null);
        DefaultExchange first = chat(ask("chat", FRANCE));
        answer(decide(f, first), first, 0.002);
        // more questions in the same context than are scanned on the event loop
        String context = SemanticQuestion.of(first.request(), first.principal(), io.tollgate.core.config.CacheConfig.Scope.KEY,
                new io.tollgate.core.config.SemanticCacheConfig("embed", 0.9, null, null)).context();
        for (int i = 0; i < SemanticCache.INLINE_SCAN / DIMS + 10; i++) {
            float[] other = new float[DIMS];
            other[1] = 1;
            other[3 + i] = 1;
            index.put(context, SemanticIndex.normalize(other), "other-" + i, Duration.ofMinutes(5));
        }
        java.util.concurrent.atomic.AtomicInteger hops = new java.util.concurrent.atomic.AtomicInteger();
        DefaultExchange paraphrase = new DefaultExchange("req-big", GatewayRequest.of(ApiKind.CHAT_COMPLETIONS,
                (ObjectNode) Json.MAPPER.readTree(ask("chat", PARAPHRASE))), io.tollgate.core.model.Headers.EMPTY,
                r -> { hops.incrementAndGet(); r.run(); }, ticker);
        paraphrase.principal(first.principal());
        assertThat(decide(f, paraphrase)).isInstanceOf(FilterDecision.Respond.class);
        assertThat(paraphrase.responseHeaders().get("x-gateway-cache-similarity")).isEqualTo("0.9500");
        assertThat(hops).as("scanned elsewhere, resumed on the event loop").hasPositiveValue();

        DefaultExchange small = new DefaultExchange("req-small", GatewayRequest.of(ApiKind.CHAT_COMPLETIONS,
                (ObjectNode) Json.MAPPER.readTree(ask("chat2", PARAPHRASE))), io.tollgate.core.model.Headers.EMPTY,
                r -> { hops.set(-1000); r.run(); }, ticker);
        small.principal(first.principal());
        decide(f, small);
        assertThat(hops).as("a small context is scanned inline").hasPositiveValue();
    }

    @Test
    void adminCountsSemanticHitsAndPurgesTheIndex() throws Exception {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ask("chat", FRANCE));
        answer(decide(f, first), first, 0.002);
        decide(f, chat(ask("chat", PARAPHRASE)));
        var routes = services.shared(io.tollgate.core.admin.AdminRoutes.class, io.tollgate.core.admin.AdminRoutes::new);
        JsonNode stats = Json.parse(CacheFilterTest.admin(routes, "GET").body());
        assertThat(stats.get("semantic_hits").asLong()).isEqualTo(1);
        assertThat(stats.get("hits").asLong()).isZero();
        assertThat(stats.get("semantic_entries").asLong()).isEqualTo(1);
        assertThat(stats.get("semantic_bytes").asLong()).isPositive();
        JsonNode purged = Json.parse(CacheFilterTest.admin(routes, "DELETE").body());
        assertThat(purged.get("semantic_purged").asLong()).isEqualTo(1);
        assertThat(decide(f, chat(ask("chat", PARAPHRASE)))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void theDefaultsAreConservative() {
        var c = new io.tollgate.core.config.SemanticCacheConfig("embed", null, null, null);
        assertThat(c.threshold()).isEqualTo(0.95);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(1));
    }
}
