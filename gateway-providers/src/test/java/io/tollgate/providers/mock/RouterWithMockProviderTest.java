package io.tollgate.providers.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.RetryConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.routing.ModelRouter;
import io.tollgate.core.testing.TestExchange;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router with the real mock provider (found by ServiceLoader, in-process transport): its errors on demand drive failover. */
class RouterWithMockProviderTest {

    private final DefaultFilterServices services = new DefaultFilterServices(new SimpleMeterRegistry(), Ticker.system(), Clock.systemUTC());

    @AfterEach
    void close() {
        services.close();
    }

    private ModelRouter router(String... models) {
        List<TargetConfig> targets = java.util.Arrays.stream(models).map(m -> new TargetConfig("mock", m, null)).toList();
        ModelConfig chat = new ModelConfig(null, targets, new RetryConfig(models.length, Duration.ofMillis(10), null), null, null, null, null);
        GatewayConfig config = new GatewayConfig(null, null, Map.of("mock", new ProviderConfig("mock", null, null, null, null, null, null, null, null, null, null, null, null, null)),
                Map.of("chat", chat), null, null, null, null, null, null, null, null);
        return ModelRouter.create(config, services, (ex, request, timeouts, listener) -> {
            throw new AssertionError("the mock provider must not use the network transport");
        });
    }

    private static DefaultExchange exchange(boolean stream) {
        ObjectNode body = Json.object().put("model", "chat").put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "hello there");
        return TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(), Ticker.system());
    }

    @Test
    void serverErrorFromOneTargetFailsOverToTheNext() throws Exception {
        DefaultExchange ex = exchange(false);
        Sink sink = new Sink();

        router("mock-error-500", "mock-model").handle(ex, sink);

        assertThat(sink.await()).containsExactly("unary 200");
        assertThat(ex.responseHeaders().get("x-gateway-model")).isEqualTo("mock-model");
        assertThat(ex.responseHeaders().get("x-gateway-attempts")).isEqualTo("2");
    }

    @Test
    void midstreamResetEndsTheStreamWithAnErrorAfterTheFirstChunk() throws Exception {
        Sink sink = new Sink();

        router("mock-error-midstream", "mock-model").handle(exchange(true), sink);

        List<String> events = sink.await();
        assertThat(events.getFirst()).isEqualTo("start 200");
        assertThat(events).filteredOn(e -> e.startsWith("chunk")).isNotEmpty();
        assertThat(events.getLast()).isEqualTo("fail 502");
    }

    @Test
    void rateLimitedThenResetExhaustTheAttemptsWith502() throws Exception {
        Sink sink = new Sink();

        router("mock-error-429", "mock-error-reset").handle(exchange(false), sink);

        assertThat(sink.await()).containsExactly("fail 502");
    }

    private static final class Sink implements ResponseSink {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);

        @Override public void unary(GatewayResponse r) { events.add("unary " + r.status()); done.countDown(); }
        @Override public void streamStart(GatewayResponse head) { events.add("start " + head.status()); }
        @Override public void chunk(StreamChunk chunk) { events.add("chunk"); }
        @Override public void streamEnd() { events.add("end"); done.countDown(); }
        @Override public void fail(GatewayError e) { events.add("fail " + e.status()); done.countDown(); }
        @Override public boolean isWritable() { return true; }
        @Override public void onWritable(Runnable resume) { resume.run(); }

        List<String> await() throws InterruptedException {
            assertThat(done.await(5, TimeUnit.SECONDS)).as("request finished").isTrue();
            return events;
        }
    }
}
