package io.tollgate.core.routing;

import static io.tollgate.core.config.ModelConfig.Routing.FALLBACK;
import static io.tollgate.core.routing.RouterHarness.model;
import static io.tollgate.core.routing.RouterHarness.target;
import static io.tollgate.core.routing.ScriptedTransport.failure;
import static io.tollgate.core.routing.ScriptedTransport.manual;
import static io.tollgate.core.routing.ScriptedTransport.stream;
import static io.tollgate.core.routing.ScriptedTransport.unary;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tollgate.core.config.BreakerConfig;
import io.tollgate.core.config.RetryConfig;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.upstream.UpstreamFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRouterTest {

    private final RouterHarness h = new RouterHarness();

    private static final String OK = "{\"id\":\"x\",\"choices\":[]}";

    @Test
    void serverErrorFailsOverToTheNextTargetAtOnce() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(500, "{\"error\":{\"message\":\"boom\"}}")).on("b", unary(200, OK));
        DefaultExchange ex = h.exchange(false);

        RecordingSink sink = h.run(ex);

        assertThat(sink.events).containsExactly("unary 200");
        assertThat(new String(sink.response.body(), StandardCharsets.UTF_8)).isEqualTo(OK);
        assertThat(h.transport.sent).containsExactly("a", "b");
        assertThat(h.delays).isEmpty();   // another target: no backoff
        assertThat(new String(h.transport.requests.get(1).body(), StandardCharsets.UTF_8)).contains("\"model\":\"gpt-b\"");
        assertThat(ex.responseHeaders().get("x-gateway-provider")).isEqualTo("b");
        assertThat(ex.responseHeaders().get("x-gateway-model")).isEqualTo("gpt-b");
        assertThat(ex.responseHeaders().get("x-gateway-attempts")).isEqualTo("2");
        assertThat(ex.responseHeaders().get("x-gateway-cache")).as("no cache filter ran").isEqualTo("bypass");
        assertThat(ex.record().provider()).isEqualTo("b");
        assertThat(ex.record().upstreamModel()).isEqualTo("gpt-b");
        assertThat(ex.record().attempts()).isEqualTo(2);
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "error")).isEqualTo(1);
        assertThat(h.counter("gateway.upstream.attempts", "provider", "b", "outcome", "success")).isEqualTo(1);
        assertThat(h.counter("gateway.fallbacks", "alias", "chat")).isEqualTo(1);
        assertThat(h.registry.find("gateway.upstream.duration").tags("provider", "b").timer().count()).isEqualTo(1);
    }

    @Test
    void rateLimitWithRetryAfterWaitsThatLongBeforeTryingTheSameTargetAgain() {
        h.route(model(FALLBACK, 2, target("a", "gpt-a")));
        h.transport.on("a", unary(429, "slow down", "retry-after", "2"), unary(200, OK));

        RecordingSink sink = h.unary();

        assertThat(sink.events).isEmpty();   // waiting, not answered, not blocked
        assertThat(h.delays).singleElement().satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos()));
        h.ticker.advance(Duration.ofSeconds(2));
        h.runPending();
        assertThat(sink.events).containsExactly("unary 200");
        assertThat(h.transport.sent).containsExactly("a", "a");
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "rate_limited")).isEqualTo(1);
    }

    @Test
    void rateLimitedTargetCoolsDownSoTheNextRequestGoesElsewhere() {
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(429, "slow down", "retry-after", "10"), unary(200, OK)).on("b", unary(200, OK));

        assertThat(h.unary().events).containsExactly("unary 200");
        assertThat(h.unary().events).containsExactly("unary 200");

        assertThat(h.transport.sent).containsExactly("a", "b", "b");   // a skipped while cooling down
        h.ticker.advance(Duration.ofSeconds(11));
        h.unary();
        assertThat(h.transport.sent).last().isEqualTo("a");
    }

    @Test
    void retryAfterLongerThanMaxBackoffAnswersTheClientAtOnceWithIt() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a")));   // max-backoff 5s
        h.transport.on("a", unary(429, "slow down", "retry-after", "60"));

        RecordingSink sink = h.unary();

        assertThat(sink.events).containsExactly("fail 429 rate_limit_exceeded");
        assertThat(sink.error.retryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(h.pending).isEmpty();
    }

    @Test
    void connectRefusedFallsOverAndEveryAttemptFailingIs502() {
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", failure(UpstreamFailure.Kind.CONNECT_REFUSED)).on("b", unary(200, OK), failure(UpstreamFailure.Kind.CONNECT_REFUSED));

        assertThat(h.unary().events).containsExactly("unary 200");
        RecordingSink second = h.unary();

        assertThat(second.events).containsExactly("fail 502 upstream_error");
        assertThat(second.error.message()).contains("connect refused");
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "connection")).isEqualTo(2);
    }

    @Test
    void firstTokenTimeoutFallsOverOrEndsAs504() {
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", failure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT))
                .on("b", stream(Duration.ofMillis(50), "{\"n\":1}"), failure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT));

        RecordingSink first = h.run(h.exchange(true));
        RecordingSink second = h.run(h.exchange(true));

        assertThat(first.events).containsExactly("start 200", "chunk {\"n\":1}", "end");
        assertThat(second.events).containsExactly("fail 504 upstream_timeout");
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "timeout")).isEqualTo(2);
    }

    @Test
    void streamDyingMidwayEndsWithAnErrorAfterItsChunksNotACleanEndAndIsNotRetried() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", c -> c.head(200).body("data: {\"n\":1}\n\ndata: {\"n\":2}\n\n").fail(UpstreamFailure.Kind.CONNECTION_RESET))
                .on("b", stream(Duration.ZERO, "{\"n\":9}"));
        DefaultExchange ex = h.exchange(true);

        RecordingSink sink = h.run(ex);

        assertThat(sink.events).containsExactly("start 200", "chunk {\"n\":1}", "chunk {\"n\":2}", "fail 502 upstream_error");
        assertThat(h.transport.sent).containsExactly("a");
        assertThat(ex.record().attempts()).isEqualTo(1);
    }

    @Test
    void inStreamErrorAfterTheFirstChunkIsPassedOnAsAFailure() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", c -> c.head(200).body("data: {\"n\":1}\n\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n"));

        RecordingSink sink = h.run(h.exchange(true));

        assertThat(sink.events).containsExactly("start 200", "chunk {\"n\":1}", "fail 502 upstream_error");
        assertThat(sink.error.message()).isEqualTo("overloaded");
        assertThat(h.transport.calls.getFirst().cancelled).isTrue();
    }

    @Test
    void streamErrorBeforeTheFirstChunkFailsOverAndTheClientSeesOneCleanStream() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b"), target("c", "gpt-c")));
        h.transport.on("a", c -> c.head(200).body("data: {\"error\":{\"message\":\"overloaded\"}}\n\n"))
                .on("b", c -> c.head(200).end())   // 200 with an empty stream
                .on("c", stream(Duration.ZERO, "{\"n\":1}", "{\"n\":2}"));
        DefaultExchange ex = h.exchange(true);

        RecordingSink sink = h.run(ex);

        assertThat(sink.events).containsExactly("start 200", "chunk {\"n\":1}", "chunk {\"n\":2}", "end");
        assertThat(h.transport.sent).containsExactly("a", "b", "c");
        assertThat(h.transport.calls.getFirst().cancelled).isTrue();
        assertThat(ex.responseHeaders().get("x-gateway-attempts")).isEqualTo("3");
    }

    @Test
    void clientErrorIsNotRetriedAndKeepsTheUpstreamStatus() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(400, "bad tool schema"));

        RecordingSink sink = h.unary();

        assertThat(sink.events).containsExactly("fail 400 upstream_client_error");
        assertThat(sink.error.message()).contains("bad tool schema");
        assertThat(h.transport.sent).containsExactly("a");
    }

    @Test
    void headersAreOnTheExchangeBeforeTheStreamHeadReachesTheSink() {
        h.route(model(FALLBACK, 1, target("a", "gpt-a")));
        h.transport.on("a", stream(Duration.ofMillis(120), "{\"n\":1}"));
        DefaultExchange ex = h.exchange(true);
        String[] atStart = new String[3];
        RecordingSink sink = new RecordingSink() {
            @Override
            public void streamStart(GatewayResponse head) {
                atStart[0] = ex.responseHeaders().get("x-gateway-provider");
                atStart[1] = ex.responseHeaders().get("x-gateway-model");
                atStart[2] = ex.responseHeaders().get("x-gateway-attempts");
                super.streamStart(head);
            }
        };

        h.router.handle(ex, sink);

        assertThat(atStart).containsExactly("a", "gpt-a", "1");
        assertThat(sink.response.headers().get("content-type")).isEqualTo("text/event-stream");
        assertThat(ex.record().firstTokenNanos()).isEqualTo(Duration.ofMillis(120).toNanos());
        assertThat(ex.record().upstreamNanos()).isEqualTo(Duration.ofMillis(120).toNanos());
        assertThat(h.registry.find("gateway.time.to.first.token").tags("provider", "a").timer().count()).isEqualTo(1);
    }

    private static final BreakerConfig BREAKER = new BreakerConfig(50.0, null, null, 4, 4, Duration.ofSeconds(30), 2);

    @Test
    void onceEveryBreakerIsOpenRequestsGet503WithoutTouchingTheUpstreams() {
        h.route(model(FALLBACK, new RetryConfig(2, Duration.ofMillis(10), Duration.ofSeconds(1)), null, BREAKER,
                target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(503, "down")).on("b", unary(503, "down"));

        for (int i = 0; i < 4; i++) {
            assertThat(h.unary().events).containsExactly("fail 502 upstream_error");
        }
        int sent = h.transport.sent.size();
        RecordingSink sink = h.unary();

        assertThat(sink.events).containsExactly("fail 503 no_healthy_upstream");
        assertThat(h.transport.sent).hasSize(sent);
        assertThat(h.gauge("gateway.circuit.breaker.state", "provider", "a", "model", "gpt-a")).isEqualTo(1.0);
        assertThat(h.gauge("gateway.circuit.breaker.state", "provider", "b", "model", "gpt-b")).isEqualTo(1.0);
    }

    @Test
    void anOpenBreakerHalfOpensAfterItsWaitAndClosesWhenProbesPass() {
        h.route(model(FALLBACK, new RetryConfig(1, Duration.ofMillis(10), Duration.ofSeconds(1)), null, BREAKER, target("a", "gpt-a")));
        h.transport.on("a", unary(500, "down"), unary(500, "down"), unary(500, "down"), unary(500, "down"), unary(200, OK));
        for (int i = 0; i < 4; i++) {
            h.unary();
        }
        assertThat(h.unary().events).containsExactly("fail 503 no_healthy_upstream");

        h.clock.advance(Duration.ofSeconds(31));
        assertThat(h.unary().events).containsExactly("unary 200");
        assertThat(h.gauge("gateway.circuit.breaker.state", "provider", "a", "model", "gpt-a")).isEqualTo(2.0);
        assertThat(h.unary().events).containsExactly("unary 200");

        assertThat(h.gauge("gateway.circuit.breaker.state", "provider", "a", "model", "gpt-a")).isEqualTo(0.0);
    }

    @Test
    void breakerStateSurvivesAReloadBecauseItLivesInSharedServices() {
        h.route(model(FALLBACK, new RetryConfig(1, Duration.ofMillis(10), Duration.ofSeconds(1)), null, BREAKER, target("a", "gpt-a")));
        h.transport.on("a", unary(500, "down"));
        for (int i = 0; i < 4; i++) {
            h.unary();
        }

        h.route(model(FALLBACK, new RetryConfig(2, Duration.ofMillis(10), Duration.ofSeconds(1)), null, BREAKER, target("a", "gpt-a")));

        assertThat(h.unary().events).containsExactly("fail 503 no_healthy_upstream");
        assertThat(RoutingState.of(h.services).target("a", "gpt-a", BREAKER).breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    /** The client's side and the upstream call of {@link #startManualStream}. */
    private RecordingSink client;
    private ScriptedTransport.Call upstream;

    /** A streamed request to target a, whose upstream answer the test writes by hand through {@link #upstream}. */
    private void startManualStream() {
        h.route(model(FALLBACK, 1, target("a", "gpt-a")));
        h.transport.on("a", manual());
        client = h.run(h.exchange(true));
        upstream = h.transport.calls.getFirst();
    }

    @Test
    void aStreamEndsForTheClientAtTheVendorsLastEventNotWhenTheUpstreamBodyEnds() {
        startManualStream();

        upstream.head(200).body("data: {\"n\":1}\n\ndata: [DONE]\n\n");
        assertThat(client.events).containsExactly("start 200", "chunk {\"n\":1}", "end");
        assertThat(upstream.cancelled).as("the connection is read to its end and reused").isFalse();

        upstream.body(": a server that lingers after [DONE]\n\n").end();
        assertThat(client.events).hasSize(3);
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "success")).isEqualTo(1);
    }

    @Test
    void aStreamThatEndsWhileTheUpstreamIsPausedResumesReadingTheRest() {
        startManualStream();

        upstream.head(200).body("data: {\"n\":1}\n\n");
        client.writable = false;
        upstream.body("data: {\"n\":2}\n\n");
        assertThat(upstream.paused).isTrue();
        upstream.body("data: [DONE]\n\n");   // already read when the pause took effect
        assertThat(client.events).endsWith("end");
        assertThat(upstream.paused).isFalse();
    }

    @Test
    void slowClientPausesTheUpstreamUntilWritableAgain() {
        startManualStream();

        upstream.head(200).body("data: {\"n\":1}\n\n");
        assertThat(upstream.paused).isFalse();
        client.writable = false;
        upstream.body("data: {\"n\":2}\n\n");
        assertThat(upstream.paused).isTrue();
        assertThat(client.onWritable).isNotNull();

        client.writable = true;
        client.onWritable.run();
        assertThat(upstream.paused).isFalse();
        assertThat(upstream.resumes).isEqualTo(1);
        upstream.body("data: [DONE]\n\n").end();
        assertThat(client.events).containsExactly("start 200", "chunk {\"n\":1}", "chunk {\"n\":2}", "end");
    }

    @Test
    void cancelStopsTheCallInFlightAndAnyRetry() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", manual()).on("b", unary(200, OK));
        DefaultExchange ex = h.exchange(false);
        RecordingSink sink = h.run(ex);

        ex.cancel();

        assertThat(h.transport.calls.getFirst().cancelled).isTrue();
        assertThat(h.transport.sent).containsExactly("a");
        h.transport.calls.getFirst().cancelled = false;   // a late answer from the transport is ignored
        h.transport.calls.getFirst().head(500).body("x").end();
        assertThat(h.transport.sent).containsExactly("a");
        assertThat(sink.events).isEmpty();   // the chain completes a cancelled request itself
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "cancelled")).isEqualTo(1);
    }

    @Test
    void cancelDuringBackoffPreventsTheRetry() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a")));
        h.transport.on("a", unary(500, "down"), unary(200, OK));
        DefaultExchange ex = h.exchange(false);
        RecordingSink sink = h.run(ex);
        assertThat(h.pending).hasSize(1);

        ex.cancel();
        h.runPending();

        assertThat(h.transport.sent).containsExactly("a");
        assertThat(sink.events).isEmpty();   // the chain completes a cancelled request itself
    }

    @Test
    void retryingTheSameTargetBacksOffExponentiallyWithJitter() {
        h.route(model(FALLBACK, 3, target("a", "gpt-a")));   // backoff 100ms; jitter source fixed at 0.5
        h.transport.on("a", unary(500, "down"), unary(500, "down"), unary(200, OK));

        RecordingSink sink = h.unary();
        h.runPending();

        assertThat(sink.events).containsExactly("unary 200");
        assertThat(h.delays).containsExactly(Duration.ofMillis(75).toNanos(), Duration.ofMillis(150).toNanos());
    }

    @Test
    void failureClassesOutsideFallbackOnAreNotRetried() {
        h.route(model(FALLBACK, new RetryConfig(3, null, null), List.of(FailureClass.RATE_LIMIT), null, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(502, "bad gateway"));

        assertThat(h.unary().events).containsExactly("fail 502 upstream_error");
        assertThat(h.transport.sent).containsExactly("a");
    }

    @Test
    void disabledProvidersAreSkipped() {
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.adapters.get("a").enabled = false;
        h.transport.on("b", unary(200, OK));

        assertThat(h.unary().events).containsExactly("unary 200");
        assertThat(h.transport.sent).containsExactly("b");
    }

    @Test
    void bulkheadSendsOverflowToTheNextTargetAndFreesTheSlotWhenDone() {
        h.route(new io.tollgate.core.config.ModelConfig(FALLBACK, List.of(target("a", "gpt-a"), target("b", "gpt-b")),
                null, null, null, null, null, null, 1, null));
        h.transport.on("a", manual()).on("b", unary(200, OK));

        RecordingSink first = h.unary();
        assertThat(h.unary().events).containsExactly("unary 200");   // a is full: b serves
        h.transport.calls.getFirst().head(200).body(OK).end();
        assertThat(first.events).containsExactly("unary 200");
        h.transport.on("a", unary(200, OK));
        h.transport.dropFirst("a");
        h.unary();

        assertThat(h.transport.sent).containsExactly("a", "b", "a");
        assertThat(RoutingState.of(h.services).target("a", "gpt-a", BreakerConfig.DEFAULT).inFlight()).isZero();
    }

    @Test
    void theTargetIsAccountedForAfterTheAnswerIsWrittenEvenWhenTheWriteThrows() {
        h.route(new io.tollgate.core.config.ModelConfig(FALLBACK, List.of(target("a", "gpt-a")),
                null, null, null, null, null, null, 1, null));
        h.transport.on("a", unary(200, OK));
        TargetState a = RoutingState.of(h.services).target("a", "gpt-a", BreakerConfig.DEFAULT);
        int[] inFlightAtWrite = {-1};
        RecordingSink throwing = new RecordingSink() {
            @Override
            public void unary(io.tollgate.core.model.GatewayResponse r) {
                inFlightAtWrite[0] = a.inFlight();
                throw new IllegalStateException("client channel closed");
            }
        };

        h.router.handle(h.exchange(false), throwing);   // the scripted answer arrives inside send(), which logs the throw

        assertThat(inFlightAtWrite[0]).isEqualTo(1);   // written first, then the slot freed
        assertThat(a.inFlight()).isZero();
        assertThat(a.breaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        assertThat(h.counter("gateway.upstream.attempts", "provider", "a", "outcome", "success")).isEqualTo(1);
    }

    /** The recorded vendor data in /work/shared/fixtures (read-only, shared by the team). */
    private static String fixture(String name) throws java.io.IOException {
        java.nio.file.Path p = java.nio.file.Path.of("/work/shared/fixtures", name);
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(p), "fixture " + name + " not present");
        return java.nio.file.Files.readString(p);
    }

    @Test
    void recordedOpenAiStreamPassesThroughChunkByChunkInAnySplit() throws Exception {
        String sse = fixture("openai-chat-stream-include-usage.sse");
        long events = sse.lines().filter(l -> l.startsWith("data:") && !l.contains("[DONE]")).count();
        h.route(model(FALLBACK, 1, target("a", "gpt-a")));
        h.transport.on("a", c -> {
            c.head(200, "content-type", "text/event-stream");
            for (int i = 0; i < sse.length(); i += 7) {   // events straddle reads
                c.body(sse.substring(i, Math.min(sse.length(), i + 7)));
            }
            c.end();
        });

        RecordingSink sink = h.run(h.exchange(true));

        assertThat(sink.events.getFirst()).isEqualTo("start 200");
        assertThat(sink.events.getLast()).isEqualTo("end");
        assertThat(sink.events).hasSize((int) events + 2);
        assertThat(sink.events.get(sink.events.size() - 2)).contains("\"usage\"");
    }

    @Test
    void recordedOpenAi429IsRetriedOnTheNextTarget() throws Exception {
        String body = fixture("openai-error-429-rate_limit_exceeded.json");
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(429, body, "retry-after", "1")).on("b", unary(200, OK));

        assertThat(h.unary().events).containsExactly("unary 200");
        assertThat(h.transport.sent).containsExactly("a", "b");
    }

    @Test
    void messagesRequestGoesToAChatOnlyProviderAsCanonicalChatAndSkipsProvidersThatServeNeither() {
        h.route(model(FALLBACK, 2, target("embed", "e-1"), target("chat", "gpt-a")));
        h.adapters.get("embed").apis = java.util.Set.of(io.tollgate.core.model.ApiKind.EMBEDDINGS);
        h.adapters.get("chat").apis = java.util.Set.of(io.tollgate.core.model.ApiKind.CHAT_COMPLETIONS);
        h.transport.on("chat", unary(200, OK));
        com.fasterxml.jackson.databind.node.ObjectNode body = io.tollgate.core.model.Json.object().put("model", "chat");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        DefaultExchange ex = io.tollgate.core.testing.TestExchange.of(io.tollgate.core.model.GatewayRequest.of(io.tollgate.core.model.ApiKind.MESSAGES, body),
                io.tollgate.core.model.MutableHeaders.of(), h.ticker);

        assertThat(h.run(ex).events).containsExactly("unary 200");
        assertThat(h.transport.sent).containsExactly("chat");
        assertThat(h.adapters.get("chat").lastApi).isEqualTo(io.tollgate.core.model.ApiKind.CHAT_COMPLETIONS);
    }

    @Test
    void whileEveryTargetCoolsDownAfter429sRequestsGet503WithRetryAfterAndNoUpstreamCall() {
        h.route(model(FALLBACK, 1, target("a", "gpt-a")));
        h.transport.on("a", unary(429, "slow down", "retry-after", "30"));
        assertThat(h.unary().events).containsExactly("fail 429 rate_limit_exceeded");

        h.ticker.advance(Duration.ofSeconds(10));
        RecordingSink sink = h.unary();

        assertThat(sink.events).containsExactly("fail 503 no_healthy_upstream");
        assertThat(sink.error.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(h.transport.sent).containsExactly("a");
    }

    @Test
    void slowAnswersOpenTheBreakerAndTrafficMovesToTheFallback() {
        BreakerConfig slow = new BreakerConfig(50.0, 50.0, Duration.ofSeconds(1), 4, 4, Duration.ofSeconds(30), 1);
        h.route(model(FALLBACK, new RetryConfig(1, null, null), null, slow, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(Duration.ofSeconds(2), 200, OK)).on("b", unary(200, OK));

        for (int i = 0; i < 4; i++) {
            assertThat(h.unary().events).containsExactly("unary 200");   // slow but successful
        }
        h.unary();

        assertThat(h.transport.sent).containsExactly("a", "a", "a", "a", "b");
        assertThat(h.gauge("gateway.circuit.breaker.state", "provider", "a", "model", "gpt-a")).isEqualTo(1.0);
    }

    @Test
    void anAdapterThatCannotReadA2xxAnswerFailsTheAttemptWithItsOwnErrorAndFallsOver() {
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(200, "<html>not json</html>")).on("b", unary(200, OK));
        h.adapters.put("a", new PassthroughAdapter("a") {
            @Override
            public GatewayResponse fromUpstream(io.tollgate.core.model.GatewayRequest request, int status, io.tollgate.core.model.Headers headers, byte[] body) {
                throw new io.tollgate.core.error.GatewayException(io.tollgate.core.error.GatewayError.upstream(
                        io.tollgate.core.error.ErrorCode.UPSTREAM_ERROR, "not JSON", FailureClass.SERVER_ERROR, null));
            }
        });
        h.route(model(FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));

        assertThat(h.unary().events).containsExactly("unary 200");
        assertThat(h.transport.sent).containsExactly("a", "b");

        h.route(model(FALLBACK, 1, target("a", "gpt-a")));
        RecordingSink sink = h.unary();
        assertThat(sink.events).containsExactly("fail 502 upstream_error");
        assertThat(sink.error.message()).isEqualTo("not JSON");
    }
}
