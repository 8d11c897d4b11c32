package io.tollgate.core.tracing;

import static io.tollgate.core.routing.ScriptedTransport.manual;
import static io.tollgate.core.routing.ScriptedTransport.unary;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.RecordingSink;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.routing.ModelRouter;
import io.tollgate.core.routing.PassthroughAdapter;
import io.tollgate.core.routing.PriceLookup;
import io.tollgate.core.routing.Providers;
import io.tollgate.core.routing.Routes;
import io.tollgate.core.routing.ScriptedTransport;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracing filter in a real chain (auth, model access, rate limit, metering, the router) over
 * scripted upstreams, its spans caught by the SDK's in-memory exporter behind the real batch processor.
 */
class TracingFilterTest {

    static final String KEY = "tg-tracing-test-key-0123456789";
    static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";
    static final String COMPLETION = """
            {"id":"c1","object":"chat.completion","model":"gpt-a","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}""";

    @TempDir
    Path dir;

    final FakeTicker ticker = new FakeTicker();
    final DefaultFilterServices services = TestFilterServices.of(new SimpleMeterRegistry(), ticker,
            new MutableClock(Instant.parse("2026-01-15T12:00:00Z")));
    final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    final TracerProviders providers = services.shared(TracerProviders.class, () -> new TracerProviders(services.scheduler(), services.meterRegistry(), c -> exporter));
    final ScriptedTransport transport = new ScriptedTransport(ticker);

    @AfterEach
    void close() {
        services.close();
    }

    /** Upstream answers carry OpenAI's usage; the test double reads it like a real adapter. */
    static final class UsageAdapter extends PassthroughAdapter {
        UsageAdapter(String name) {
            super(name);
        }

        @Override
        public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
            com.fasterxml.jackson.databind.JsonNode usage;
            try {
                usage = Json.parse(body).path("usage");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return GatewayResponse.unary(status, MutableHeaders.of("content-type", "application/json"), body,
                    TokenUsage.of(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong()));
        }
    }

    private FilterChain chain(String tracing) throws Exception {
        return chain(tracing, List.of());
    }

    private FilterChain chain(String tracing, List<FilterFactory> extra) throws Exception {
        Files.createDirectories(dir);
        GatewayConfig config = ConfigLoader.parse("""
                providers:
                  a: { type: openai, base-url: "http://a.test/v1", api-key: sk-a }
                  b: { type: mistral, base-url: "http://b.test/v1", api-key: sk-b }
                models:
                  chat: { targets: [ { provider: a, model: gpt-a }, { provider: b, model: mistral-b } ], retries: { max-attempts: 2 } }
                pricing:
                  gpt-a: { input: 2.0, output: 10.0 }
                teams:
                  search: {}
                keys:
                  - { id: search-app, key: "%s", team: search, limits: { rpm: 2 } }
                state: { ledger: "sqlite:%s" }
                tracing: %s
                """.formatted(KEY, dir.resolve("ledger.db"), tracing), "test.yaml", Map.<String, String>of()::get).orThrow();
        Set<String> types = Set.of("tracing", "auth", "model-access", "rate-limit", "metering");
        List<FilterFactory> factories = new java.util.ArrayList<>(ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> types.contains(f.type())).toList());
        factories.addAll(extra);
        Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
        adapters.put("a", new UsageAdapter("a"));
        adapters.put("b", new UsageAdapter("b"));
        ModelRouter router = new ModelRouter(Routes.build(config, new Providers(adapters), services, PriceLookup.UNKNOWN), services, transport);
        FilterChain chain = FilterChain.build(config, factories, services, router, List.of());
        assertThat(chain.types()).first().isEqualTo("tracing");
        return chain;
    }

    private FilterChain chain() throws Exception {
        return chain("{ enabled: true }");
    }

    private DefaultExchange request(boolean stream, String... headers) {
        var body = Json.object().put("model", "chat").put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "a secret prompt");
        return TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(headers), ticker);
    }

    private List<SpanData> spans() {
        assertThat(providers.forceFlush().join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        return exporter.getFinishedSpanItems();
    }

    private List<SpanData> spans(SpanKind kind) {
        return spans().stream().filter(s -> s.getKind() == kind).toList();
    }

    /** The W3C flags' sampled bit (the SDK also sets Trace Context 2's random-trace-id bit on traces it starts). */
    private static boolean sampled(String traceparent) {
        return (Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1) == 1;
    }

    private static <T> T attr(SpanData span, AttributeKey<T> key) {
        return span.getAttributes().get(key);
    }

    @Test
    void aRequestIsOneServerSpanWithTheGatewaysFactsAndOneClientSpanPerAttempt() throws Exception {
        FilterChain chain = chain();
        transport.on("a", unary(Duration.ofMillis(30), 502, "{\"error\":{\"message\":\"down\"}}"))
                .on("b", unary(Duration.ofMillis(40), 200, COMPLETION));
        DefaultExchange ex = request(false, "authorization", "Bearer " + KEY, "x-request-id", "req-42");
        RecordingSink client = new RecordingSink();

        chain.execute(ex, client);

        assertThat(client.events).containsExactly("unary 200");
        SpanData server = spans(SpanKind.SERVER).getFirst();
        assertThat(spans(SpanKind.SERVER)).hasSize(1);
        assertThat(server.getName()).isEqualTo("chat chat");
        assertThat(server.getParentSpanContext().isValid()).isFalse();   // no traceparent: a new trace
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(attr(server, SpanAttributes.GEN_AI_OPERATION)).isEqualTo("chat");
        assertThat(attr(server, SpanAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("chat");
        assertThat(attr(server, SpanAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("mistral-b");
        assertThat(attr(server, SpanAttributes.GEN_AI_PROVIDER)).isEqualTo("mistral_ai");
        assertThat(attr(server, SpanAttributes.PROVIDER)).isEqualTo("b");
        assertThat(attr(server, SpanAttributes.GEN_AI_INPUT_TOKENS)).isEqualTo(1000L);
        assertThat(attr(server, SpanAttributes.GEN_AI_OUTPUT_TOKENS)).isEqualTo(500L);
        assertThat(attr(server, SpanAttributes.HTTP_STATUS)).isEqualTo(200L);
        assertThat(attr(server, SpanAttributes.HTTP_ROUTE)).isEqualTo("/v1/chat/completions");
        assertThat(attr(server, SpanAttributes.REQUEST_ID)).isEqualTo("req-test");
        assertThat(attr(server, SpanAttributes.KEY_ID)).isEqualTo("search-app");
        assertThat(attr(server, SpanAttributes.TEAM)).isEqualTo("search");
        assertThat(attr(server, SpanAttributes.CACHE)).isEqualTo("bypass");
        assertThat(attr(server, SpanAttributes.ATTEMPTS)).isEqualTo(2L);
        assertThat(attr(server, SpanAttributes.STREAM)).isFalse();
        assertThat(attr(server, SpanAttributes.OUTCOME)).isEqualTo("success");
        // mistral-b has no price; metering priced nothing, and says so with 0
        assertThat(attr(server, SpanAttributes.COST_USD)).isEqualTo(ex.record().costUsd());
        assertThat(server.getEndEpochNanos() - server.getStartEpochNanos()).isEqualTo(Duration.ofMillis(70).toNanos());
        // never the prompt, never the key
        assertThat(server.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains("secret prompt") || v.toString().contains(KEY));

        List<SpanData> attempts = spans(SpanKind.CLIENT);
        assertThat(attempts).extracting(SpanData::getName).containsExactly("chat gpt-a", "chat mistral-b");
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.getTraceId()).isEqualTo(server.getTraceId());
            assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId());
        });
        SpanData first = attempts.getFirst();
        assertThat(attr(first, SpanAttributes.ATTEMPT)).isEqualTo(1L);
        assertThat(attr(first, SpanAttributes.HTTP_STATUS)).isEqualTo(502L);
        assertThat(attr(first, SpanAttributes.GEN_AI_PROVIDER)).isEqualTo("openai");
        assertThat(attr(first, SpanAttributes.SERVER_ADDRESS)).isEqualTo("a.test");
        assertThat(attr(first, SpanAttributes.URL_FULL)).isEqualTo("http://a.test:80/v1/chat/completions");
        assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(first.getStatus().getDescription()).isEqualTo("upstream_error");
        assertThat(attr(first, SpanAttributes.OUTCOME)).isEqualTo("error");
        SpanData second = attempts.get(1);
        assertThat(attr(second, SpanAttributes.ATTEMPT)).isEqualTo(2L);
        assertThat(second.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(attr(second, SpanAttributes.OUTCOME)).isEqualTo("success");

        // each upstream request carried its own attempt's context, nothing of the vendor headers was lost
        List<UpstreamRequest> sent = transport.requests;
        assertThat(sent).hasSize(2);
        for (int i = 0; i < 2; i++) {
            String traceparent = sent.get(i).headers().get("traceparent");
            assertThat(traceparent).startsWith("00-" + server.getTraceId() + "-" + attempts.get(i).getSpanId() + "-");
            assertThat(sampled(traceparent)).isTrue();
            assertThat(sent.get(i).headers().get("authorization")).startsWith("Bearer sk-");
        }
    }

    @Test
    void aPricedAnswerPutsItsCostOnTheSpan() throws Exception {
        FilterChain chain = chain();
        transport.on("a", unary(200, COMPLETION));

        chain.execute(request(false, "authorization", "Bearer " + KEY), new RecordingSink());

        SpanData server = spans(SpanKind.SERVER).getFirst();
        assertThat(attr(server, SpanAttributes.COST_USD)).isCloseTo(0.007, org.assertj.core.data.Offset.offset(1e-9)); // 1000 * 2/1M + 500 * 10/1M
        assertThat(attr(server, SpanAttributes.ATTEMPTS)).isEqualTo(1L);
        assertThat(attr(server, SpanAttributes.GEN_AI_PROVIDER)).isEqualTo("openai");
    }

    @Test
    void aValidTraceparentMakesTheRequestAChildOfTheCallersSpan() throws Exception {
        FilterChain chain = chain();
        transport.on("a", unary(200, COMPLETION));
        DefaultExchange ex = request(false, "authorization", "Bearer " + KEY,
                "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01", "tracestate", "vendor=abc");

        chain.execute(ex, new RecordingSink());

        SpanData server = spans(SpanKind.SERVER).getFirst();
        SpanContext parent = server.getParentSpanContext();
        assertThat(server.getTraceId()).isEqualTo(CALLER_TRACE);
        assertThat(parent.getSpanId()).isEqualTo(CALLER_SPAN);
        assertThat(parent.isRemote()).isTrue();
        assertThat(server.getSpanContext().getTraceState().get("vendor")).isEqualTo("abc");
        SpanData attempt = spans(SpanKind.CLIENT).getFirst();
        UpstreamRequest sent = transport.requests.getFirst();
        assertThat(sent.headers().get("traceparent")).isEqualTo("00-" + CALLER_TRACE + "-" + attempt.getSpanId() + "-01");
        assertThat(sent.headers().get("tracestate")).isEqualTo("vendor=abc");
    }

    @Test
    void anInvalidTraceparentStartsANewTrace() throws Exception {
        FilterChain chain = chain();
        transport.on("a", unary(200, COMPLETION));
        String zeroTrace = "00000000000000000000000000000000";   // all-zero trace ids are invalid by the W3C spec
        chain.execute(request(false, "authorization", "Bearer " + KEY, "traceparent", "00-" + zeroTrace + "-" + CALLER_SPAN + "-01"),
                new RecordingSink());
        chain.execute(request(false, "authorization", "Bearer " + KEY, "traceparent", "not-a-traceparent"), new RecordingSink());

        List<SpanData> servers = spans(SpanKind.SERVER);
        assertThat(servers).hasSize(2).allSatisfy(s -> {
            assertThat(s.getParentSpanContext().isValid()).isFalse();
            assertThat(s.getSpanContext().isValid()).isTrue();
            assertThat(s.getTraceId()).isNotEqualTo(zeroTrace);
        });
        assertThat(servers.get(0).getTraceId()).isNotEqualTo(servers.get(1).getTraceId());
    }

    @Test
    void aRequestWithoutAValidKeyEndsItsSpanWithError() throws Exception {
        FilterChain chain = chain();

        chain.execute(request(false, "authorization", "Bearer tg-wrong"), new RecordingSink());

        SpanData server = spans(SpanKind.SERVER).getFirst();
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(server.getStatus().getDescription()).isEqualTo("invalid_api_key");
        assertThat(attr(server, SpanAttributes.ERROR_TYPE)).isEqualTo("invalid_api_key");
        assertThat(attr(server, SpanAttributes.HTTP_STATUS)).isEqualTo(401L);
        assertThat(attr(server, SpanAttributes.KEY_ID)).isNull();
        assertThat(attr(server, SpanAttributes.ATTEMPTS)).isZero();
        assertThat(spans(SpanKind.CLIENT)).isEmpty();
        assertThat(transport.requests).isEmpty();
    }

    @Test
    void aRateLimitedRequestEndsItsSpanWithError() throws Exception {
        FilterChain chain = chain();
        transport.on("a", unary(200, COMPLETION));
        chain.execute(request(false, "authorization", "Bearer " + KEY), new RecordingSink());
        chain.execute(request(false, "authorization", "Bearer " + KEY), new RecordingSink());
        RecordingSink third = new RecordingSink();

        chain.execute(request(false, "authorization", "Bearer " + KEY), third);

        assertThat(third.events).containsExactly("fail 429");
        List<SpanData> servers = spans(SpanKind.SERVER);
        assertThat(servers).hasSize(3);
        SpanData limited = servers.getLast();
        assertThat(limited.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(limited.getStatus().getDescription()).isEqualTo("rate_limit_exceeded");
        assertThat(attr(limited, SpanAttributes.HTTP_STATUS)).isEqualTo(429L);
        assertThat(attr(limited, SpanAttributes.KEY_ID)).isEqualTo("search-app");
        assertThat(spans(SpanKind.CLIENT)).hasSize(2);
    }

    @Test
    void aStreamedRequestsSpanEndsWithTheStream() throws Exception {
        FilterChain chain = chain();
        transport.on("a", manual());
        DefaultExchange ex = request(true, "authorization", "Bearer " + KEY);
        RecordingSink client = new RecordingSink();
        chain.execute(ex, client);
        ScriptedTransport.Call call = transport.calls.getFirst();
        call.head(200, "content-type", "text/event-stream");
        ticker.advance(Duration.ofMillis(100));
        call.body("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n");

        assertThat(client.events).containsExactly("start", "chunk");
        assertThat(spans()).isEmpty();   // neither the request nor its attempt has ended

        ticker.advance(Duration.ofMillis(900));
        call.body("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n");

        assertThat(client.events).containsExactly("start", "chunk", "chunk", "end");
        SpanData server = spans(SpanKind.SERVER).getFirst();
        assertThat(attr(server, SpanAttributes.STREAM)).isTrue();
        assertThat(attr(server, SpanAttributes.HTTP_STATUS)).isEqualTo(200L);
        assertThat(server.getEndEpochNanos() - server.getStartEpochNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(spans(SpanKind.CLIENT)).singleElement().satisfies(a -> assertThat(attr(a, SpanAttributes.OUTCOME)).isEqualTo("success"));
    }

    @Test
    void aClientThatLeavesEndsTheSpansAsCancelledNotAsErrors() throws Exception {
        FilterChain chain = chain();
        transport.on("a", manual());
        DefaultExchange ex = request(true, "authorization", "Bearer " + KEY);
        chain.execute(ex, new RecordingSink());

        ex.cancel();

        SpanData server = spans(SpanKind.SERVER).getFirst();
        assertThat(attr(server, SpanAttributes.HTTP_STATUS)).isEqualTo(499L);
        assertThat(attr(server, SpanAttributes.OUTCOME)).isEqualTo("cancelled");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(spans(SpanKind.CLIENT)).singleElement().satisfies(a -> {
            assertThat(attr(a, SpanAttributes.OUTCOME)).isEqualTo("cancelled");
            assertThat(a.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        });
    }

    @Test
    void sampleRatioZeroRecordsNothingButStillPropagatesTheTrace() throws Exception {
        FilterChain chain = chain("{ enabled: true, sample-ratio: 0 }");
        transport.on("a", unary(200, COMPLETION));

        chain.execute(request(false, "authorization", "Bearer " + KEY), new RecordingSink());

        assertThat(spans()).isEmpty();
        // not sampled: a vendor or vLLM behind the gateway keeps the trace id and does not record either
        String traceparent = transport.requests.getFirst().headers().get("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        assertThat(sampled(traceparent)).isFalse();
    }

    @Test
    void aSampledCallerIsRecordedEvenAtRatioZero() throws Exception {
        FilterChain chain = chain("{ enabled: true, sample-ratio: 0 }");
        transport.on("a", unary(200, COMPLETION));

        chain.execute(request(false, "authorization", "Bearer " + KEY, "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01"),
                new RecordingSink());

        assertThat(spans(SpanKind.SERVER)).singleElement().satisfies(s -> assertThat(s.getTraceId()).isEqualTo(CALLER_TRACE));
    }

    @Test
    void anInternalRequestsAttemptIsASpanOfTheRequestThatMadeIt() throws Exception {
        // a filter asking the gateway itself for something on the caller's behalf, as the semantic cache embeds questions
        FilterFactory asker = new FilterFactory() {
            @Override public String type() { return "asker"; }
            @Override public int order() { return io.tollgate.core.filter.FilterOrder.CACHE; }
            @Override public io.tollgate.core.filter.GatewayFilter create(GatewayConfig config, io.tollgate.core.filter.FilterServices s) {
                return ex -> s.gatewayClient().send(ex, GatewayRequest.of(ApiKind.EMBEDDINGS, Json.object().put("model", "chat").put("input", "q")),
                        "semantic-cache", Duration.ofSeconds(5)).thenApply(r -> new io.tollgate.core.filter.FilterDecision.Proceed(
                                io.tollgate.core.filter.ResponseHook.NONE));
            }
        };
        FilterChain chain = chain("{ enabled: true }", List.of(asker));
        services.gatewayClient(new io.tollgate.core.filter.ChainClient(() -> chain.only(io.tollgate.core.filter.GatewayClient.INTERNAL_FILTERS),
                services.scheduler()));
        transport.on("a", unary(200, COMPLETION));
        RecordingSink client = new RecordingSink();

        chain.execute(request(false, "authorization", "Bearer " + KEY), client);

        assertThat(client.events).containsExactly("unary 200");
        SpanData server = spans(SpanKind.SERVER).getFirst();
        List<SpanData> attempts = spans(SpanKind.CLIENT);
        assertThat(attempts).extracting(SpanData::getName).containsExactly("embeddings gpt-a", "chat gpt-a");
        assertThat(attempts).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId()));
        assertThat(attr(attempts.getFirst(), SpanAttributes.REQUEST_ID)).isEqualTo("req-test:semantic-cache");
        assertThat(transport.requests.getFirst().headers().get("traceparent")).contains(server.getTraceId());
        assertThat(attr(server, SpanAttributes.ATTEMPTS)).isEqualTo(1L);   // the caller's own; the internal one has its own ledger row
    }
}
