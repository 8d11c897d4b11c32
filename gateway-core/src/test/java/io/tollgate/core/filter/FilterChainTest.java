package io.tollgate.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.FilterSettings;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.testing.TestExchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The runner's contract: order, short-circuits, async resumption, errors, hooks and exactly-once completion. */
class FilterChainTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> log = new ArrayList<>();

    /** Records everything the client side receives. */
    final class RecordingSink implements ResponseSink {
        @Nullable GatewayResponse unary;
        @Nullable GatewayError error;
        final List<String> chunks = new ArrayList<>();
        boolean ended;

        @Override public void unary(GatewayResponse response) { unary = response; log.add("client:unary"); }
        @Override public void streamStart(GatewayResponse head) { log.add("client:head"); }
        @Override public void chunk(StreamChunk chunk) { chunks.add(new String(chunk.data(), StandardCharsets.UTF_8)); }
        @Override public void streamEnd() { ended = true; log.add("client:end"); }
        @Override public void fail(GatewayError e) { error = e; log.add("client:fail"); }
        @Override public boolean isWritable() { return true; }
        @Override public void onWritable(Runnable resume) { resume.run(); }
    }

    private FilterChain.Entry entry(String type, int order, GatewayFilter filter) {
        return entry(type, order, filter, FilterSettings.DEFAULT);
    }

    private FilterChain.Entry entry(String type, int order, GatewayFilter filter, FilterSettings settings) {
        return new FilterChain.Entry(type, order, filter, registry.timer("gateway.filter.duration", "filter", type), settings);
    }

    /** How many requests {@code filter}'s {@code gateway.filter.duration} timer has recorded. */
    private long timedRequests(String filter) {
        return registry.get("gateway.filter.duration").tag("filter", filter).timer().count();
    }

    /** A filter that logs its request and registers a hook that logs the response path. */
    private GatewayFilter logging(String name) {
        return ex -> {
            log.add(name + ":request");
            return FilterDecision.proceed(new ResponseHook() {
                @Override public void onResponse(Exchange e, GatewayResponse r) { log.add(name + ":response"); }
                @Override public StreamChunk onChunk(Exchange e, StreamChunk c) {
                    return c.withData((new String(c.data(), StandardCharsets.UTF_8) + "+" + name).getBytes(StandardCharsets.UTF_8));
                }
                @Override public void onComplete(Exchange e, Completion c) { log.add(name + ":complete:" + c.outcome()); }
            });
        };
    }

    private static final Terminal OK = (ex, sink) -> sink.unary(GatewayResponse.json(200, Json.object().put("ok", true), null));

    @Test
    void filtersRunInOrderAndHooksInReverse() {
        RecordingSink sink = new RecordingSink();
        List<RequestObserver> observers = List.of((ex, c) -> log.add("observer:" + c.outcome()));
        new FilterChain(List.of(entry("b", 200, logging("b")), entry("a", 100, logging("a"))), OK, observers)
                .execute(TestExchange.chat("m", "hi"), sink);

        assertThat(log).containsExactly("a:request", "b:request", "b:response", "a:response", "client:unary",
                "b:complete:SUCCESS", "a:complete:SUCCESS", "observer:SUCCESS");
        assertThat(timedRequests("a")).isEqualTo(1);
    }

    @Test
    void aRespondingFilterShortCircuitsAndEarlierHooksStillSeeTheReply() {
        RecordingSink sink = new RecordingSink();
        GatewayFilter cache = ex -> FilterDecision.respond(GatewayResponse.json(200, Json.object().put("cached", true), null));
        Terminal neverCalled = (ex, s) -> log.add("terminal");
        new FilterChain(List.of(entry("a", 100, logging("a")), entry("cache", 600, cache), entry("z", 700, logging("z"))), neverCalled, List.of())
                .execute(TestExchange.chat("m", "hi"), sink);

        assertThat(log).containsExactly("a:request", "a:response", "client:unary", "a:complete:SUCCESS");
        assertThat(sink.unary.json().path("cached").asBoolean()).isTrue();
    }

    @Test
    void aStreamedReplayPassesEveryChunkThroughTheHooks() {
        RecordingSink sink = new RecordingSink();
        GatewayFilter replay = ex -> FilterDecision.respondStream(GatewayResponse.streaming(200, MutableHeaders.of()),
                List.of(StreamChunk.of("1".getBytes(StandardCharsets.UTF_8)), StreamChunk.of("2".getBytes(StandardCharsets.UTF_8))));
        new FilterChain(List.of(entry("a", 100, logging("a")), entry("b", 200, logging("b")), entry("replay", 600, replay)), OK, List.of())
                .execute(TestExchange.chat("m", "hi"), sink);

        assertThat(sink.chunks).containsExactly("1+b+a", "2+b+a");
        assertThat(sink.ended).isTrue();
    }

    @Test
    void aHookMayHoldChunksBackAndSendSeveralLaterAndTheOuterHooksSeeEachOne() {
        RecordingSink sink = new RecordingSink();
        GatewayFilter holding = ex -> FilterDecision.proceed(new ResponseHook() {
            private final List<StreamChunk> held = new ArrayList<>();
            @Override public void onChunk(Exchange e, StreamChunk c, Consumer<StreamChunk> out) {
                held.add(c); // sends nothing now: everything waits for the end
            }
            @Override public void onStreamEnd(Exchange e, Consumer<StreamChunk> out) {
                held.forEach(out);
                out.accept(StreamChunk.of("tail".getBytes(StandardCharsets.UTF_8)));
            }
        });
        GatewayFilter throwing = ex -> FilterDecision.proceed(new ResponseHook() {
            @Override public StreamChunk onChunk(Exchange e, StreamChunk c) {
                throw new IllegalStateException("broken hook");
            }
        });
        GatewayFilter replay = ex -> FilterDecision.respondStream(GatewayResponse.streaming(200, MutableHeaders.of()),
                List.of(StreamChunk.of("1".getBytes(StandardCharsets.UTF_8)), StreamChunk.of("2".getBytes(StandardCharsets.UTF_8))));
        new FilterChain(List.of(entry("a", 100, logging("a")), entry("throwing", 150, throwing), entry("holding", 200, holding),
                entry("replay", 600, replay)), OK, List.of()).execute(TestExchange.chat("m", "hi"), sink);

        // the broken hook is skipped, not the chunks; the outer hook sees every chunk the holding one sent
        assertThat(sink.chunks).containsExactly("1+a", "2+a", "tail+a");
        assertThat(log).containsSubsequence("client:end");
    }

    @Test
    void aRejectionAnswersWithTheErrorAndCompletesHooksWithIt() {
        RecordingSink sink = new RecordingSink();
        GatewayFilter limit = ex -> FilterDecision.reject(GatewayError.invalidApiKey());
        new FilterChain(List.of(entry("a", 100, logging("a")), entry("auth", 150, limit)), OK, List.of())
                .execute(TestExchange.chat("m", "hi"), sink);

        assertThat(sink.error.status()).isEqualTo(401);
        assertThat(log).containsExactly("a:request", "client:fail", "a:complete:ERROR");
    }

    @Test
    void anAsyncFilterResumesTheChainWhenItsStageCompletes() {
        RecordingSink sink = new RecordingSink();
        CompletableFuture<FilterDecision> pending = new CompletableFuture<>();
        new FilterChain(List.of(entry("async", 100, ex -> pending), entry("b", 200, logging("b"))), OK, List.of())
                .execute(TestExchange.chat("m", "hi"), sink);
        assertThat(log).isEmpty();

        pending.complete(new FilterDecision.Proceed(ResponseHook.NONE));   // the test exchange's loop runs inline
        assertThat(log).containsExactly("b:request", "b:response", "client:unary", "b:complete:SUCCESS");
    }

    @Test
    void aThrowingFilterIsA500NamingItNeverAStackTrace() {
        RecordingSink sink = new RecordingSink();
        GatewayFilter broken = ex -> { throw new IllegalStateException("boom at secret place"); };
        new FilterChain(List.of(entry("broken", 100, broken)), OK, List.of()).execute(TestExchange.chat("m", "hi"), sink);

        assertThat(sink.error.status()).isEqualTo(500);
        assertThat(sink.error.message()).contains("filter 'broken'").doesNotContain("boom");
    }

    @Test
    void aFailOpenFilterIsSkippedOnError() {
        RecordingSink sink = new RecordingSink();
        GatewayFilter broken = ex -> CompletableFuture.failedFuture(new IllegalStateException("redis down"));
        FilterSettings failOpen = new FilterSettings(true, null, null, true, null);
        new FilterChain(List.of(entry("flaky", 100, broken, failOpen), entry("b", 200, logging("b"))), OK, List.of())
                .execute(TestExchange.chat("m", "hi"), sink);

        assertThat(sink.unary).isNotNull();
        assertThat(log).contains("b:request");
    }

    @Test
    void aSlowAsyncFilterTimesOut() throws Exception {
        RecordingSink sink = new RecordingSink();
        FilterSettings timeout = new FilterSettings(true, null, Duration.ofMillis(50), false, null);
        new FilterChain(List.of(entry("slow", 100, ex -> new CompletableFuture<>(), timeout)), OK, List.of())
                .execute(TestExchange.chat("m", "hi"), sink);
        for (int i = 0; i < 100 && sink.error == null; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(sink.error).isNotNull();
        assertThat(sink.error.status()).isEqualTo(500);
    }

    @Test
    void aClientCancelCompletesEveryHookExactlyOnce() {
        RecordingSink sink = new RecordingSink();
        DefaultExchangeHolder holder = new DefaultExchangeHolder();
        Terminal hangs = (ex, s) -> holder.sink = s;   // the upstream never answers
        DefaultExchange ex = TestExchange.chat("m", "hi");
        new FilterChain(List.of(entry("a", 100, logging("a"))), hangs, List.of()).execute(ex, sink);

        ex.cancel();
        holder.sink.unary(GatewayResponse.json(200, Json.object(), null));   // a late answer is ignored

        assertThat(log).containsExactly("a:request", "a:complete:CANCELLED");
        assertThat(sink.unary).isNull();
    }

    @Test
    void eachFiltersTimeIsRecordedOnceWhenTheRequestEnds() {
        DefaultExchangeHolder holder = new DefaultExchangeHolder();
        Terminal waits = (ex, s) -> holder.sink = s;
        new FilterChain(List.of(entry("a", 100, logging("a")), entry("b", 200, logging("b"))), waits, List.of())
                .execute(TestExchange.chat("m", "hi"), new RecordingSink());
        assertThat(timedRequests("a")).isZero();   // kept off the request's path

        holder.sink.unary(GatewayResponse.json(200, Json.object(), null));

        assertThat(timedRequests("a")).isEqualTo(1);
        assertThat(timedRequests("b")).isEqualTo(1);
    }

    @Test
    void anAsyncFilterThatFinishesAfterACancelIsStillTimed() {
        CompletableFuture<FilterDecision> pending = new CompletableFuture<>();
        DefaultExchange ex = TestExchange.chat("m", "hi");
        new FilterChain(List.of(entry("a", 100, logging("a")), entry("async", 200, e -> pending)), OK, List.of())
                .execute(ex, new RecordingSink());

        ex.cancel();
        assertThat(timedRequests("a")).isEqualTo(1);
        assertThat(timedRequests("async")).isZero();

        pending.complete(new FilterDecision.Proceed(ResponseHook.NONE));
        assertThat(timedRequests("async")).isEqualTo(1);
        assertThat(log).containsExactly("a:request", "a:complete:CANCELLED");
    }

    static final class DefaultExchangeHolder {
        ResponseSink sink;
    }

    @Test
    void checkAsksEveryEnabledFactoryAndSkipsDisabledOnes() {
        FilterFactory strict = new FilterFactory() {
            @Override public String type() { return "strict"; }
            @Override public int order() { return 100; }
            @Override public List<ConfigProblem> check(GatewayConfig config) { return List.of(new ConfigProblem("strict.setting", 0, "bad")); }
            @Override public GatewayFilter create(GatewayConfig config, FilterServices services) { throw new AssertionError("not built"); }
        };
        FilterFactory lenient = new FilterFactory() {
            @Override public String type() { return "lenient"; }
            @Override public int order() { return 200; }
            @Override public GatewayFilter create(GatewayConfig config, FilterServices services) { throw new AssertionError("not built"); }
        };
        assertThat(FilterChain.check(GatewayConfig.empty(), List.of(strict, lenient))).extracting(ConfigProblem::path).containsExactly("strict.setting");
        GatewayConfig strictOff = new GatewayConfig(null, null, null, null, null, null, null, null, null, null, null,
                Map.of("strict", new FilterSettings(false, null, null, null, null)));
        assertThat(FilterChain.check(strictOff, List.of(strict, lenient))).as("a filter that is not built cannot refuse a config").isEmpty();
    }
}
