package io.tollgate.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.cache.CacheKey;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.metering.TokenEstimator;
import io.tollgate.core.metering.Tokenizers;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Principal;
import io.tollgate.core.routing.ModelRouter;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamTransport;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.metrics.RequestMeters;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.MutableHeaders;
import java.time.Clock;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's own work per request, without sockets: parsing and checking the body, the whole filter
 * chain (auth, prompt rendering, model access, rate limit, budget, cache miss or hit, metering, request
 * meters) and the model router with the OpenAI adapter (target pick, breaker, request building, response
 * usage parsing) over an upstream that answers at once; plus the pieces on their own (cache key, token
 * estimate). Netty and the sockets are measured by the load test (bench/load.sh).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterChainBenchmark {

    private static final String CONFIG = """
            auth: { mode: keys }
            providers: { upstream: { type: openai, base-url: "http://127.0.0.1:9/v1", api-key: "sk-bench" } }
            models: { gpt-4o-mini: { targets: [ { provider: upstream, model: gpt-4o-mini } ] } }
            teams: { bench: { budget: { usd: 1000000000, period: monthly } } }
            keys: [ { id: bench, key: "tg-bench-key", team: bench, limits: { rpm: 2000000000, tpm: 2000000000 } } ]
            cache: { enabled: CACHE, cache-non-deterministic: true }
            prompts: { dir: /tmp/tollgate-jmh/prompts }
            state: { ledger: "sqlite:/tmp/tollgate-jmh/ledger.db" }
            """;
    private static final String PROMPT = """
            id: support
            labels: { production: 1 }
            versions:
              1: { model: gpt-4o-mini, messages: [ { role: system, content: "You are a concise assistant for the {{team}} team." } ] }
            """;

    private final byte[] body = MockUpstream.resource("request.json");
    /** The same question through the prompt registry: the system message is rendered from {@link #PROMPT}. */
    private final byte[] promptBody = ("{\"model\":\"gpt-4o-mini\",\"prompt\":{\"id\":\"support\",\"variables\":{\"team\":\"support\"}},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"In two sentences, explain why an LLM gateway should add as little latency as possible to each call.\"}],"
            + "\"max_tokens\":128,\"temperature\":0.2}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final byte[] completion = MockUpstream.resource("chat-completion.json");
    private final MutableHeaders headers = MutableHeaders.of("authorization", "Bearer tg-bench-key", "content-type", "application/json");
    private DefaultFilterServices services;
    private FilterChain missChain;
    private FilterChain hitChain;

    private final ResponseSink sink = new DiscardingSink();

    private GatewayRequest parsed;
    private TokenEstimator estimator;
    private Principal principal;

    @Setup(Level.Trial)
    public void setUp() throws java.io.IOException {
        Path prompts = Files.createDirectories(Path.of("/tmp/tollgate-jmh/prompts"));
        Files.writeString(prompts.resolve("support.yaml"), PROMPT);
        Tokenizers.awaitLoaded();
        services = new DefaultFilterServices(new SimpleMeterRegistry(), Ticker.system(), Clock.systemUTC());
        List<FilterFactory> factories = ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        RequestMeters meters = new RequestMeters(services.meterRegistry());
        GatewayConfig miss = config(false);
        GatewayConfig hit = config(true);
        missChain = FilterChain.build(miss, factories, services, ModelRouter.create(miss, services, instantUpstream()), List.of(meters));
        hitChain = FilterChain.build(hit, factories, services, ModelRouter.create(hit, services, instantUpstream()), List.of(meters));
        run(hitChain, body);   // fill the cache
        parsed = parseRequest();
        estimator = TokenEstimator.of(miss);
        principal = new Principal("bench", "bench", java.util.List.of(), java.util.Map.of());
    }

    /** An upstream that answers every call at once with a recorded completion, on the caller's thread. */
    private UpstreamTransport instantUpstream() {
        Headers json = MutableHeaders.of("content-type", "application/json");
        return (ex, request, timeouts, listener) -> {
            listener.onHead(200, json);
            listener.onBody(ByteBuffer.wrap(completion));
            listener.onEnd();
            return new UpstreamCall() {
                @Override public void cancel() { }
                @Override public void pause() { }
                @Override public void resume() { }
            };
        };
    }

    private static GatewayConfig config(boolean cache) {
        return ConfigLoader.parse(CONFIG.replace("CACHE", Boolean.toString(cache)), "bench.yaml").orThrow();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        services.close();
    }

    private DefaultExchange run(FilterChain chain, byte[] bytes) {
        GatewayRequest request = OpenAiCodec.INSTANCE.decode(ApiKind.CHAT_COMPLETIONS, bytes);
        DefaultExchange ex = new DefaultExchange("req-bench", request, headers, Runnable::run, Ticker.system());
        chain.execute(ex, sink);
        return ex;
    }

    /** Parse and check a 287-byte chat request into the canonical form. */
    @Benchmark
    public GatewayRequest parseRequest() {
        return OpenAiCodec.INSTANCE.decode(ApiKind.CHAT_COMPLETIONS, body);
    }

    /** Parse + every filter on the request and response path (cache miss) + router and adapter + request meters. */
    @Benchmark
    public void fullChainCacheMiss(Blackhole bh) {
        bh.consume(run(missChain, body));
    }

    /** As {@link #fullChainCacheMiss}, the system message rendered from a versioned prompt. */
    @Benchmark
    public void fullChainWithPrompt(Blackhole bh) {
        bh.consume(run(missChain, promptBody));
    }

    /** Parse + auth, limits and budget, then a cache hit answers. */
    @Benchmark
    public void fullChainCacheHit(Blackhole bh) {
        bh.consume(run(hitChain, body));
    }

    /** The exact cache's key: SHA-256 over the canonical (sorted) request. */
    @Benchmark
    public String cacheKey() {
        return CacheKey.of(parsed, principal, CacheConfig.Scope.KEY);
    }

    /** BPE token estimate of the request's messages (the count cache holds texts of 64+ chars). */
    @Benchmark
    public long tokenEstimate() {
        return estimator.estimateInputTokens(parsed, "gpt-4o-mini");
    }
}
