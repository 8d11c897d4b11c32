package io.tollgate.core.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.BreakerConfig;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.RetryConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wires a {@link ModelRouter} to scripted upstreams, a fake ticker and clock, and a manual retry scheduler. */
final class RouterHarness {

    final FakeTicker ticker = new FakeTicker();
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T12:00:00Z"));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final DefaultFilterServices services = TestFilterServices.of(registry, ticker, clock);
    final ScriptedTransport transport = new ScriptedTransport(ticker);
    final Map<String, PassthroughAdapter> adapters = new LinkedHashMap<>();
    final List<Long> delays = new ArrayList<>();
    final List<Runnable> pending = new ArrayList<>();
    PriceLookup prices = PriceLookup.UNKNOWN;
    ModelRouter router;

    static TargetConfig target(String provider, String model) {
        return new TargetConfig(provider, model, null);
    }

    static TargetConfig target(String provider, String model, int weight) {
        return new TargetConfig(provider, model, weight);
    }

    static ModelConfig model(ModelConfig.Routing routing, int maxAttempts, TargetConfig... targets) {
        return model(routing, new RetryConfig(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(5)), null, null, targets);
    }

    static ModelConfig model(ModelConfig.Routing routing, RetryConfig retries, List<FailureClass> fallbackOn, BreakerConfig breaker,
                             TargetConfig... targets) {
        return new ModelConfig(routing, List.of(targets), retries, null, fallbackOn, null, null, breaker, null, null);
    }

    /** Builds the router for one alias {@code chat}. */
    RouterHarness route(ModelConfig chat) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        for (TargetConfig t : chat.targets()) {
            providers.put(t.provider(), ProviderConfig.of("openai", null, "sk-test"));
            adapters.computeIfAbsent(t.provider(), PassthroughAdapter::new);
        }
        GatewayConfig config = new GatewayConfig(null, null, providers, Map.of("chat", chat), null, null, null, null, null, null, null, null);
        Routes routes = Routes.build(config, new Providers(new LinkedHashMap<>(adapters)), services, prices, new java.util.Random(42)::nextDouble);
        router = new ModelRouter(routes, services, transport, (delay, task) -> {
            delays.add(delay);
            pending.add(task);
        }, () -> 0.5);
        return this;
    }

    DefaultExchange exchange(boolean stream) {
        ObjectNode body = Json.object().put("model", "chat").put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(), ticker);
    }

    RecordingSink run(DefaultExchange ex) {
        RecordingSink sink = new RecordingSink();
        router.handle(ex, sink);
        return sink;
    }

    RecordingSink unary() {
        return run(exchange(false));
    }

    /** Runs scheduled retries (as the scheduler would once their delay passed). */
    void runPending() {
        while (!pending.isEmpty()) {
            pending.removeFirst().run();
        }
    }

    double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    double gauge(String name, String... tags) {
        var g = registry.find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }
}
