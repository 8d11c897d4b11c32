package io.tollgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.DataSize;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheFilterTest {

    static final Path FIXTURES = Path.of("/work/shared/fixtures");
    static final String ASK = "{\"model\":\"chat\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}";

    final FakeTicker ticker = new FakeTicker();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DefaultFilterServices services = TestFilterServices.of(registry, ticker, new MutableClock(Instant.parse("2026-01-15T12:00:00Z")));

    @AfterEach
    void close() {
        services.close();
    }

    static GatewayConfig config(CacheConfig cache) {
        return new GatewayConfig(null, null, null, null, null, null, null, cache, null, null, null, null);
    }

    static CacheConfig cache(CacheConfig.Scope scope, Boolean nonDeterministic, DataSize maxBytes, Integer maxEntries) {
        return new CacheConfig(true, CacheConfig.Backend.MEMORY, Duration.ofMinutes(10), maxEntries, maxBytes, scope, nonDeterministic);
    }

    GatewayFilter filter() {
        return filter(cache(null, null, null, null));
    }

    GatewayFilter filter(CacheConfig c) {
        return new CacheFilterFactory().create(config(c), services);
    }

    static DefaultExchange exchange(ApiKind api, String body, String keyId, String team, String... headers) {
        try {
            DefaultExchange ex = TestExchange.of(GatewayRequest.of(api, (ObjectNode) Json.MAPPER.readTree(body)), MutableHeaders.of(headers), new FakeTicker());
            ex.principal(new Principal(keyId, team, List.of(), Map.of()));
            return ex;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static DefaultExchange chat(String body, String... headers) {
        return exchange(ApiKind.CHAT_COMPLETIONS, body, "key-a", null, headers);
    }

    static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(FIXTURES.resolve(name));
    }

    static List<StreamChunk> sse(String name) throws Exception {
        List<StreamChunk> out = new ArrayList<>();
        for (String line : Files.readString(FIXTURES.resolve(name)).split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(StreamChunk.of(line.substring(6).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** Plays an upstream unary answer through the filter's hook, as the chain would after a miss. */
    static void answerUnary(FilterDecision d, DefaultExchange ex, byte[] body, double cost) {
        var hook = ((FilterDecision.Proceed) d).hook();
        hook.onResponse(ex, GatewayResponse.unary(200, MutableHeaders.of("content-type", "application/json"), body, TokenUsage.of(13, 138)));
        ex.record().costUsd(cost);
        hook.onComplete(ex, Completion.SUCCESS);
    }

    double lookups(String result) {
        return registry.get("gateway.cache.lookups").tag("result", result).counter().count();
    }

    @Test
    void missThenHitServesTheStoredAnswerAtNoCost() throws Exception {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ASK);
        FilterDecision miss = TestExchange.decide(f, first);
        assertThat(miss).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(first.responseHeaders().get("x-gateway-cache")).isEqualTo("miss");
        assertThat(first.record().cache()).isEqualTo("miss");
        first.record().provider("openai"); // as the router records them
        first.record().upstreamModel("gpt-4o-mini-2024-07-18");
        answerUnary(miss, first, fixture("openai-chat-nonstream.json"), 0.0042);

        DefaultExchange second = chat("{\"messages\":[{\"content\":\"2+2?\",\"role\":\"user\"}],\"temperature\":0.0,\"model\":\"chat\",\"user\":\"bob\",\"metadata\":{\"a\":\"b\"}}");
        FilterDecision hit = TestExchange.decide(f, second);

        JsonNode expected = Json.MAPPER.readTree(fixture("openai-chat-nonstream.json"));
        byte[] firstAnswer = fixture("openai-chat-nonstream.json");
        assertThat(hit).isInstanceOfSatisfying(FilterDecision.Respond.class, r -> {
            assertThat(r.response().isStreaming()).isFalse();
            assertThat(r.response().json()).isEqualTo(expected);
            // byte for byte what the first client received: a hit is written as stored, not re-serialized
            assertThat(r.response().body()).isEqualTo(firstAnswer);
            assertThat(r.response().headers().get("content-type")).isEqualTo("application/json");
        });
        assertThat(second.responseHeaders().get("x-gateway-cache")).isEqualTo("hit");
        // the route headers name what produced the answer; this call reached no upstream and cost nothing
        assertThat(second.responseHeaders().get("x-gateway-provider")).isEqualTo("openai");
        assertThat(second.responseHeaders().get("x-gateway-model")).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(second.responseHeaders().get("x-gateway-attempts")).isEqualTo("0");
        assertThat(second.responseHeaders().get("x-gateway-cost-usd")).isEqualTo("0");
        assertThat(second.record().cache()).isEqualTo("hit");
        assertThat(second.record().costUsd()).isZero();
        assertThat(second.record().costSavedUsd()).isEqualTo(0.0042);
        assertThat(lookups("hit")).isEqualTo(1);
        assertThat(lookups("miss")).isEqualTo(1);
        assertThat(registry.get("gateway.cache.saved.usd").counter().count()).isEqualTo(0.0042);
        assertThat(registry.get("gateway.cache.entries").gauge().value()).isEqualTo(1);
        assertThat(registry.get("gateway.cache.bytes").gauge().value()).isGreaterThan(500);
    }

    @Test
    void entriesExpireAfterTheirTtl() throws Exception {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ASK);
        answerUnary(TestExchange.decide(f, first), first, fixture("openai-chat-nonstream.json"), 0.001);
        ticker.advance(Duration.ofMinutes(9));
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Respond.class);
        ticker.advance(Duration.ofMinutes(1).plusMillis(1));
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void sizeBoundEvictsEntries() throws Exception {
        // each entry weighs at least maxBytes / maxEntries: 3 entries fit
        GatewayFilter f = filter(cache(null, null, new DataSize(30_000), 3));
        for (int i = 0; i < 10; i++) {
            DefaultExchange ex = chat(ASK.replace("2+2?", "q" + i));
            answerUnary(TestExchange.decide(f, ex), ex, fixture("openai-chat-nonstream.json"), 0.001);
        }
        MemoryResponseCache memory = services.shared(MemoryResponseCache.class, () -> null);
        assertThat(memory.entries()).isLessThanOrEqualTo(3);
        assertThat(memory.bytes()).isLessThanOrEqualTo(30_000);
        int hits = 0;
        for (int i = 0; i < 10; i++) {
            if (TestExchange.decide(f, chat(ASK.replace("2+2?", "q" + i))) instanceof FilterDecision.Respond) hits++;
        }
        assertThat(hits).isBetween(1, 3);
    }

    @Test
    void scopesKeepTenantsApart() throws Exception {
        GatewayFilter perKey = filter();
        DefaultExchange a = exchange(ApiKind.CHAT_COMPLETIONS, ASK, "key-a", "search");
        answerUnary(TestExchange.decide(perKey, a), a, fixture("openai-chat-nonstream.json"), 0.001);
        assertThat(TestExchange.decide(perKey, exchange(ApiKind.CHAT_COMPLETIONS, ASK, "key-b", "search"))).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(TestExchange.decide(perKey, exchange(ApiKind.CHAT_COMPLETIONS, ASK, "key-a", "search"))).isInstanceOf(FilterDecision.Respond.class);

        GatewayFilter perTeam = filter(cache(CacheConfig.Scope.TEAM, null, null, null));
        DefaultExchange t = exchange(ApiKind.CHAT_COMPLETIONS, ASK, "key-a", "search");
        answerUnary(TestExchange.decide(perTeam, t), t, fixture("openai-chat-nonstream.json"), 0.001);
        assertThat(TestExchange.decide(perTeam, exchange(ApiKind.CHAT_COMPLETIONS, ASK, "key-b", "search"))).isInstanceOf(FilterDecision.Respond.class);
        assertThat(TestExchange.decide(perTeam, exchange(ApiKind.CHAT_COMPLETIONS, ASK, "key-c", "ads"))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void answerChangingParamsSplitTheKeyAndKeyOrderDoesNot() throws Exception {
        Principal p = new Principal("k", null, List.of(), Map.of());
        String base = key(ASK, p);
        assertThat(key("{\"messages\":[{\"content\":\"2+2?\",\"role\":\"user\"}],\"temperature\":0,\"model\":\"chat\"}", p)).isEqualTo(base);
        assertThat(key(ASK.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"user\":\"u\",\"metadata\":{\"x\":\"y\"}}"), p)).isEqualTo(base);
        for (String extra : List.of(",\"max_tokens\":5", ",\"top_p\":0.5", ",\"seed\":1", ",\"response_format\":{\"type\":\"json_object\"}",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", ",\"stop\":[\"x\"]", ",\"n\":2", ",\"logit_bias\":{\"1\":1}",
                // a prompt reference not yet rendered (the cache ordered before the prompt filter): its variables change the answer
                ",\"prompt\":{\"id\":\"support-bot\",\"variables\":{\"company\":\"Acme\"}}")) {
            assertThat(key(ASK.replace("}]}", "}]" + extra + "}"), p)).as(extra).isNotEqualTo(base);
        }
        assertThat(key(ASK.replace("\"chat\"", "\"smart\""), p)).isNotEqualTo(base);
        assertThat(key(ASK.replace("2+2?", "2+3?"), p)).isNotEqualTo(base);
        assertThat(key(ASK, new Principal("other", null, List.of(), Map.of()))).isNotEqualTo(base);
    }

    private static String key(String body, Principal p) throws Exception {
        return CacheKey.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (ObjectNode) Json.MAPPER.readTree(body)), p, CacheConfig.Scope.KEY);
    }

    @Test
    void streamRequestIsServedFromAUnaryStoredAnswerAsAValidChunkSequence() throws Exception {
        GatewayFilter f = filter();
        DefaultExchange first = chat(ASK);
        answerUnary(TestExchange.decide(f, first), first, fixture("openai-chat-nonstream.json"), 0.001);

        DefaultExchange streamed = chat(ASK.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
        FilterDecision.Respond r = (FilterDecision.Respond) TestExchange.decide(f, streamed);
        assertThat(r.response().isStreaming()).isTrue();
        assertThat(r.response().headers().get("content-type")).isEqualTo("text/event-stream");
        List<JsonNode> chunks = r.chunks().stream().map(StreamChunk::json).toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo("chatcmpl-DoZHjjB4VYY8sNCRd9XvomLmenRjK");
        });
        StringBuilder content = new StringBuilder();
        chunks.forEach(c -> c.path("choices").forEach(ch -> content.append(ch.path("delta").path("content").asText(""))));
        assertThat(content.toString()).isEqualTo("4");
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(138);

        DefaultExchange noUsage = chat(ASK.replace("}]}", "}],\"stream\":true}"));
        FilterDecision.Respond r2 = (FilterDecision.Respond) TestExchange.decide(f, noUsage);
        assertThat(r2.chunks()).hasSize(2);
        assertThat(r2.chunks()).noneMatch(c -> c.json().hasNonNull("usage"));
    }

    @Test
    void streamedAnswerIsAssembledAndStored() throws Exception {
        GatewayFilter f = filter();
        String streamAsk = ASK.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        DefaultExchange first = chat(streamAsk);
        var hook = ((FilterDecision.Proceed) TestExchange.decide(f, first)).hook();
        hook.onResponse(first, GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
        List<StreamChunk> upstream = sse("openai-chat-stream-include-usage.sse");
        StringBuilder expected = new StringBuilder();
        for (StreamChunk c : upstream) {
            assertThat(hook.onChunk(first, c)).isSameAs(c);
            c.json().path("choices").forEach(ch -> expected.append(ch.path("delta").path("content").asText("")));
        }
        first.record().costUsd(0.003);
        hook.onComplete(first, Completion.SUCCESS);

        FilterDecision.Respond unary = (FilterDecision.Respond) TestExchange.decide(f, chat(ASK));
        assertThat(unary.response().json().at("/choices/0/message/content").asText()).isEqualTo(expected.toString()).isNotEmpty();
        assertThat(unary.response().json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(unary.response().json().at("/usage/total_tokens").asInt()).isPositive();
    }

    @Test
    void toolCallStreamsAndFailedAnswersAreNotStored() throws Exception {
        GatewayFilter f = filter();
        DefaultExchange tools = chat(ASK.replace("}]}", "}],\"stream\":true}"));
        var hook = ((FilterDecision.Proceed) TestExchange.decide(f, tools)).hook();
        hook.onResponse(tools, GatewayResponse.streaming(200, MutableHeaders.of()));
        for (StreamChunk c : sse("openai-chat-stream-tool-calls.sse")) hook.onChunk(tools, c);
        hook.onComplete(tools, Completion.SUCCESS);
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Proceed.class);

        DefaultExchange failed = chat(ASK);
        var h2 = ((FilterDecision.Proceed) TestExchange.decide(f, failed)).hook();
        h2.onResponse(failed, GatewayResponse.unary(200, MutableHeaders.of(), fixture("openai-chat-nonstream.json"), null));
        h2.onComplete(failed, Completion.CANCELLED);
        DefaultExchange err = chat(ASK);
        var h3 = ((FilterDecision.Proceed) TestExchange.decide(f, err)).hook();
        h3.onResponse(err, GatewayResponse.unary(429, MutableHeaders.of(), fixture("openai-error-429-rate_limit_exceeded.json"), null));
        h3.onComplete(err, Completion.SUCCESS);
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void headerControls() throws Exception {
        GatewayFilter f = filter();
        // no-store: looked up, not stored
        DefaultExchange noStore = chat(ASK, "x-gateway-cache", "no-store");
        FilterDecision d = TestExchange.decide(f, noStore);
        assertThat(noStore.responseHeaders().get("x-gateway-cache")).isEqualTo("miss");
        assertThat(((FilterDecision.Proceed) d).hook()).isSameAs(io.tollgate.core.filter.ResponseHook.NONE);
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Proceed.class);

        // no-cache: no lookup, but stored
        DefaultExchange noCache = chat(ASK, "x-gateway-cache", "no-cache");
        FilterDecision nc = TestExchange.decide(f, noCache);
        assertThat(noCache.responseHeaders().get("x-gateway-cache")).isEqualTo("bypass");
        answerUnary(nc, noCache, fixture("openai-chat-nonstream.json"), 0.001);
        assertThat(TestExchange.decide(f, chat(ASK, "x-gateway-cache", "no-cache"))).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Respond.class);

        // ttl=N overrides the configured TTL
        String other = ASK.replace("2+2?", "ttl");
        DefaultExchange ttl = chat(other, "x-gateway-cache", "ttl=5");
        answerUnary(TestExchange.decide(f, ttl), ttl, fixture("openai-chat-nonstream.json"), 0.001);
        ticker.advance(Duration.ofSeconds(4));
        assertThat(TestExchange.decide(f, chat(other))).isInstanceOf(FilterDecision.Respond.class);
        ticker.advance(Duration.ofSeconds(2));
        assertThat(TestExchange.decide(f, chat(other))).isInstanceOf(FilterDecision.Proceed.class);

        assertThat(TestExchange.decide(f, chat(ASK, "x-gateway-cache", "forever"))).isInstanceOfSatisfying(FilterDecision.Reject.class, r -> {
            assertThat(r.error().status()).isEqualTo(400);
            assertThat(r.error().param()).isEqualTo("x-gateway-cache");
        });
    }

    @Test
    void nonDeterministicRequestsBypassUnlessConfigured() throws Exception {
        GatewayFilter f = filter();
        for (String body : List.of(ASK.replace("\"temperature\":0", "\"temperature\":0.7"), ASK.replace("\"temperature\":0,", ""))) {
            DefaultExchange ex = chat(body);
            assertThat(TestExchange.decide(f, ex)).isSameAs(FilterDecision.proceed().toCompletableFuture().join());
            assertThat(ex.responseHeaders().get("x-gateway-cache")).isEqualTo("bypass");
        }
        assertThat(lookups("bypass")).isEqualTo(2);

        GatewayFilter lenient = filter(cache(null, true, null, null));
        String hot = ASK.replace("\"temperature\":0", "\"temperature\":0.7");
        DefaultExchange ex = chat(hot);
        answerUnary(TestExchange.decide(lenient, ex), ex, fixture("openai-chat-nonstream.json"), 0.001);
        assertThat(TestExchange.decide(lenient, chat(hot))).isInstanceOf(FilterDecision.Respond.class);
    }

    @Test
    void embeddingsAreCachedAndOtherApisBypass() throws Exception {
        GatewayFilter f = filter();
        String body = "{\"model\":\"embed\",\"input\":\"hello\"}";
        DefaultExchange ex = exchange(ApiKind.EMBEDDINGS, body, "key-a", null);
        answerUnary(TestExchange.decide(f, ex), ex, fixture("openai-embeddings.json"), 0.00001);
        assertThat(TestExchange.decide(f, exchange(ApiKind.EMBEDDINGS, body, "key-a", null))).isInstanceOf(FilterDecision.Respond.class);
        DefaultExchange messages = exchange(ApiKind.MESSAGES, ASK, "key-a", null);
        TestExchange.decide(f, messages);
        assertThat(messages.record().cache()).isEqualTo("bypass");
    }

    @Test
    void redisBackendThatIsDownServesMisses() {
        CacheConfig redis = new CacheConfig(true, CacheConfig.Backend.REDIS, null, null, null, null, null);
        GatewayConfig c = new GatewayConfig(null, null, null, null, null, null, null, redis, null,
                new io.tollgate.core.config.StateConfig(null, "redis://127.0.0.1:1", null, null, null), null, null);
        GatewayFilter f = new CacheFilterFactory().create(c, services);
        for (int i = 0; i < 3; i++) {
            DefaultExchange ex = chat(ASK);
            assertThat(f.onRequest(ex).toCompletableFuture().join()).isInstanceOf(FilterDecision.Proceed.class);
            assertThat(ex.record().cache()).isEqualTo("miss");
        }
    }

    @Test
    void redisBackendNeedsStateRedis() {
        CacheConfig redis = new CacheConfig(true, CacheConfig.Backend.REDIS, null, null, null, null, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CacheFilterFactory().create(config(redis), services))
                .hasMessageContaining("state.redis");
    }

    @Test
    void adminShowsStatsAndPurges() throws Exception {
        GatewayFilter f = filter();
        DefaultExchange ex = chat(ASK);
        answerUnary(TestExchange.decide(f, ex), ex, fixture("openai-chat-nonstream.json"), 0.5);
        TestExchange.decide(f, chat(ASK));
        var routes = services.shared(io.tollgate.core.admin.AdminRoutes.class, io.tollgate.core.admin.AdminRoutes::new);
        JsonNode stats = Json.parse(admin(routes, "GET").body());
        assertThat(stats.get("backend").asText()).isEqualTo("memory");
        assertThat(stats.get("hits").asLong()).isEqualTo(1);
        assertThat(stats.get("misses").asLong()).isEqualTo(1);
        assertThat(stats.get("saved_usd").asDouble()).isEqualTo(0.5);
        assertThat(stats.get("entries").asLong()).isEqualTo(1);
        assertThat(Json.parse(admin(routes, "DELETE").body()).get("purged").asLong()).isEqualTo(1);
        assertThat(TestExchange.decide(f, chat(ASK))).isInstanceOf(FilterDecision.Proceed.class);
    }

    static io.tollgate.core.admin.AdminResponse admin(io.tollgate.core.admin.AdminRoutes routes, String method) {
        return routes.dispatch(method, "/admin/cache", p -> new io.tollgate.core.admin.AdminRequest(method, "/admin/cache", p, Map.of(),
                MutableHeaders.of(), new byte[0])).toCompletableFuture().join();
    }

    @Test
    void keyIsTakenAfterPromptInjectionSoVersionsNeverShareAnswers(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("prompts"));
        Files.writeString(tmp.resolve("prompts/bot.yaml"), """
                id: bot
                versions:
                  1: { model: chat, params: { temperature: 0 }, messages: [ { role: system, content: "Be terse." } ] }
                  2: { model: chat, params: { temperature: 0 }, messages: [ { role: system, content: "Be chatty." } ] }
                """);
        GatewayConfig c = new GatewayConfig(null, null, null, null, null, null, null, cache(null, null, null, null),
                new io.tollgate.core.config.PromptsConfig(tmp.resolve("prompts").toString(), null),
                new io.tollgate.core.config.StateConfig("sqlite:" + tmp.resolve("gateway.db"), null, null, null, null), null, null);
        GatewayFilter prompt = new io.tollgate.core.prompt.PromptFilterFactory().create(c, services);
        GatewayFilter f = new CacheFilterFactory().create(c, services);
        String v1 = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"prompt\":{\"id\":\"bot\",\"version\":1}}";
        DefaultExchange first = chat(v1);
        TestExchange.decide(prompt, first);
        answerUnary(TestExchange.decide(f, first), first, fixture("openai-chat-nonstream.json"), 0.001);

        DefaultExchange sameVersion = chat(v1);
        TestExchange.decide(prompt, sameVersion);
        assertThat(TestExchange.decide(f, sameVersion)).isInstanceOf(FilterDecision.Respond.class);
        DefaultExchange otherVersion = chat(v1.replace("\"version\":1", "\"version\":2"));
        TestExchange.decide(prompt, otherVersion);
        assertThat(TestExchange.decide(f, otherVersion)).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void disabledCacheMakesNoFilter() {
        assertThat(new CacheFilterFactory().create(GatewayConfig.empty(), services)).isNull();
    }

    @Test
    void checkFindsWhatCreateRefusesWithoutConnecting() {
        CacheConfig redis = new CacheConfig(true, CacheConfig.Backend.REDIS, null, null, null, null, null);
        CacheFilterFactory factory = new CacheFilterFactory();
        assertThat(factory.check(config(redis))).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("cache.backend");
            assertThat(p.message()).contains("state.redis");
        });
        assertThat(factory.check(withRedis(redis, "redis://host:notaport"))).extracting(ConfigProblem::path).containsExactly("state.redis");
        // a Redis that is down (nothing listens on port 1) is the runtime's concern, not the config's
        assertThat(factory.check(withRedis(redis, "redis://127.0.0.1:1"))).isEmpty();
        // the memory backend never reads state.redis; a disabled cache reads nothing
        assertThat(factory.check(withRedis(cache(CacheConfig.Scope.KEY, false, DataSize.ofMegabytes(1), 10), "nonsense"))).isEmpty();
        assertThat(factory.check(config(new CacheConfig(false, CacheConfig.Backend.REDIS, null, null, null, null, null)))).isEmpty();
    }

    static GatewayConfig withRedis(CacheConfig cache, String redis) {
        return new GatewayConfig(null, null, null, null, null, null, null, cache, null,
                new io.tollgate.core.config.StateConfig(null, redis, null, null, null), null, null);
    }
}
