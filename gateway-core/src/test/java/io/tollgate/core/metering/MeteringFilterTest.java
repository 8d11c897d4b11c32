package io.tollgate.core.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.TestExchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteringFilterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeteringFilter filter = new MeteringFilter(PriceTable.builtIn(), registry);

    private DefaultExchange exchange(String provider, String model) {
        DefaultExchange ex = TestExchange.chat("chat", "hi");
        ex.principal(new Principal("k1", "search", List.of(), Map.of()));
        ex.record().provider(provider);
        ex.record().upstreamModel(model);
        return ex;
    }

    private ResponseHook hook(DefaultExchange ex) {
        return ((FilterDecision.Proceed) TestExchange.decide(filter, ex)).hook();
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void unaryAnswerGetsCostHeaderRecordAndMeters() {
        DefaultExchange ex = exchange("anthropic", "claude-haiku-4-5-20251001");
        ResponseHook hook = hook(ex);
        // fixtures/anthropic-messages-nonstream-cache-read.json as the anthropic adapter normalizes it
        TokenUsage usage = new TokenUsage(7361, 4, 7351, 0, 0);
        GatewayResponse resp = GatewayResponse.unary(200, MutableHeaders.of(), "{}".getBytes(StandardCharsets.UTF_8), usage);
        hook.onResponse(ex, resp);
        assertThat(ex.responseHeaders().get("x-gateway-cost-usd")).isEqualTo("0.0007651");
        hook.onComplete(ex, Completion.SUCCESS);

        assertThat(ex.record().usage()).isEqualTo(usage);
        assertThat(ex.record().priced()).isTrue();
        assertThat(ex.record().costUsd()).isEqualTo(0.0007651, org.assertj.core.api.Assertions.within(1e-12));
        String[] base = {"model", "claude-haiku-4-5-20251001", "provider", "anthropic"};
        assertThat(counter("gateway.tokens", concat(base, "type", "input"))).isEqualTo(7361);
        assertThat(counter("gateway.tokens", concat(base, "type", "output"))).isEqualTo(4);
        assertThat(counter("gateway.tokens", concat(base, "type", "cached_input"))).isEqualTo(7351);
        assertThat(counter("gateway.cost.usd", concat(base, "team", "search"))).isEqualTo(0.0007651, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void streamTakesTheLatestChunkUsageAndDoesNotTouchChunks() {
        DefaultExchange ex = exchange("openai", "gpt-4o-mini-2024-07-18");
        ex.principal(new Principal("k2", null, List.of(), Map.of()));
        ResponseHook hook = hook(ex);
        hook.onResponse(ex, GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
        StreamChunk text = StreamChunk.of(Json.object().put("id", "c1"));
        assertThat(hook.onChunk(ex, text)).isSameAs(text);
        hook.onChunk(ex, StreamChunk.of(Json.object()).withUsage(TokenUsage.of(100, 5)));
        StreamChunk last = StreamChunk.of(Json.object()).withUsage(TokenUsage.of(100, 40)).asUsageOnly();
        assertThat(hook.onChunk(ex, last)).isSameAs(last); // dropping usage-only chunks is the router's job
        hook.onComplete(ex, Completion.SUCCESS);

        assertThat(ex.record().usage()).isEqualTo(TokenUsage.of(100, 40));
        assertThat(ex.record().costUsd()).isEqualTo((100 * 0.15 + 40 * 0.60) / 1e6);
        assertThat(counter("gateway.tokens", "model", "gpt-4o-mini-2024-07-18", "provider", "openai", "type", "output")).isEqualTo(40);
        assertThat(counter("gateway.cost.usd", "team", "none")).isPositive();
    }

    @Test
    void unknownPriceMetersTokensRecordsZeroAndCountsTheModel() {
        DefaultExchange ex = exchange("local", "my-llama");
        ResponseHook hook = hook(ex);
        GatewayResponse resp = GatewayResponse.unary(200, MutableHeaders.of(), "{}".getBytes(StandardCharsets.UTF_8), TokenUsage.of(10, 20));
        hook.onResponse(ex, resp);
        hook.onComplete(ex, Completion.SUCCESS);

        assertThat(ex.responseHeaders().get("x-gateway-cost-usd")).isEqualTo("0");
        assertThat(ex.record().priced()).isFalse();
        assertThat(ex.record().costUsd()).isZero();
        assertThat(counter("gateway.tokens", "model", "my-llama", "type", "output")).isEqualTo(20);
        assertThat(counter("gateway.pricing.unknown", "model", "my-llama")).isEqualTo(1);
        assertThat(registry.find("gateway.cost.usd").counters()).isEmpty();
    }

    @Test
    void errorWithoutUsageMetersNothing() {
        DefaultExchange ex = exchange("openai", "gpt-4o");
        ResponseHook hook = hook(ex);
        hook.onComplete(ex, Completion.error(io.tollgate.core.error.GatewayError.internal("test")));
        assertThat(ex.record().usage()).isEqualTo(TokenUsage.ZERO);
        assertThat(registry.getMeters()).isEmpty();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
