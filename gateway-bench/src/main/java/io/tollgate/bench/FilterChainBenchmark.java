package io.tollgate.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.metrics.RequestMeters;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
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
 * The gateway's own work per request, without sockets: parsing and checking the body, and the whole
 * filter chain (auth, model access, rate limit, budget, metering; cache miss or hit) around a terminal
 * that answers at once. The router and Netty are measured by the load test (bench/load.sh).
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
            providers: { mock: { type: mock } }
            models: { gpt-4o-mini: { targets: [ { provider: mock, model: gpt-4o-mini } ] } }
            teams: { bench: { budget: { usd: 1000000000, period: monthly } } }
            keys: [ { id: bench, key: "tg-bench-key", team: bench, limits: { rpm: 2000000000, tpm: 2000000000 } } ]
            cache: { enabled: CACHE, cache-non-deterministic: true }
            state: { ledger: "sqlite:/tmp/tollgate-jmh/ledger.db" }
            """;

    private final byte[] body = MockUpstream.resource("request.json");
    private final byte[] completion = MockUpstream.resource("chat-completion.json");
    private final MutableHeaders headers = MutableHeaders.of("authorization", "Bearer tg-bench-key", "content-type", "application/json");
    private DefaultFilterServices services;
    private FilterChain missChain;
    private FilterChain hitChain;

    private final ResponseSink sink = new ResponseSink() {
        @Override public void unary(GatewayResponse response) { }
        @Override public void streamStart(GatewayResponse head) { }
        @Override public void chunk(StreamChunk chunk) { }
        @Override public void streamEnd() { }
        @Override public void fail(GatewayError error) { throw new IllegalStateException(error.message()); }
        @Override public boolean isWritable() { return true; }
        @Override public void onWritable(Runnable resume) { resume.run(); }
    };

    @Setup(Level.Trial)
    public void setUp() {
        services = new DefaultFilterServices(new SimpleMeterRegistry(), Ticker.system(), Clock.systemUTC());
        List<FilterFactory> factories = ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        Terminal answer = (ex, s) -> {
            ex.record().provider("mock");
            ex.record().upstreamModel("gpt-4o-mini");
            s.unary(GatewayResponse.unary(200, MutableHeaders.of("content-type", "application/json"), completion, TokenUsage.of(19, 10)));
        };
        RequestMeters meters = new RequestMeters(services.meterRegistry());
        missChain = FilterChain.build(config(false), factories, services, answer, List.of(meters));
        hitChain = FilterChain.build(config(true), factories, services, answer, List.of(meters));
        run(hitChain);   // fill the cache
    }

    private static GatewayConfig config(boolean cache) {
        return ConfigLoader.parse(CONFIG.replace("CACHE", Boolean.toString(cache)), "bench.yaml").orThrow();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        services.close();
    }

    private DefaultExchange run(FilterChain chain) {
        GatewayRequest request = OpenAiCodec.INSTANCE.decode(ApiKind.CHAT_COMPLETIONS, body);
        DefaultExchange ex = new DefaultExchange("req-bench", request, headers, Runnable::run, Ticker.system());
        chain.execute(ex, sink);
        return ex;
    }

    /** Parse and check a 287-byte chat request into the canonical form. */
    @Benchmark
    public GatewayRequest parseRequest() {
        return OpenAiCodec.INSTANCE.decode(ApiKind.CHAT_COMPLETIONS, body);
    }

    /** Parse + every filter on the request and response path (cache miss) + request meters. */
    @Benchmark
    public void fullChainCacheMiss(Blackhole bh) {
        bh.consume(run(missChain));
    }

    /** Parse + auth, limits and budget, then a cache hit answers. */
    @Benchmark
    public void fullChainCacheHit(Blackhole bh) {
        bh.consume(run(hitChain));
    }
}
