package io.tollgate.core.routing;

import static io.tollgate.core.routing.RouterHarness.model;
import static io.tollgate.core.routing.RouterHarness.target;
import static io.tollgate.core.routing.ScriptedTransport.manual;
import static io.tollgate.core.routing.ScriptedTransport.unary;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig.Routing;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.model.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-access filter and the router together in a real {@link FilterChain}. */
class RoutingChainTest {

    private final RouterHarness h = new RouterHarness();

    private FilterChain chain() {
        Routes routes = h.router.routes();
        FilterFactory access = new FilterFactory() {
            @Override public String type() { return "model-access"; }
            @Override public int order() { return FilterOrder.MODEL_ACCESS; }
            @Override public GatewayFilter create(GatewayConfig config, FilterServices services) { return new ModelAccessFilter(routes); }
        };
        return FilterChain.build(routes.config(), List.of(access), h.services, h.router, List.of());
    }

    @Test
    void allowedKeyIsRoutedAndTheChainRecordsTheOutcome() {
        h.route(model(Routing.FALLBACK, 2, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(502, "bad gateway")).on("b", unary(200, "{}"));
        DefaultExchange ex = h.exchange(false);
        ex.principal(new Principal("k1", null, List.of("chat"), Map.of()));
        RecordingSink client = new RecordingSink();

        chain().execute(ex, client);

        assertThat(client.events).containsExactly("unary 200");
        assertThat(ex.record().alias()).isEqualTo("chat");
        assertThat(ex.record().status()).isEqualTo(200);
        assertThat(ex.responseHeaders().get("x-gateway-attempts")).isEqualTo("2");
    }

    @Test
    void forbiddenKeyNeverReachesAnUpstream() {
        h.route(model(Routing.FALLBACK, 2, target("a", "gpt-a")));
        DefaultExchange ex = h.exchange(false);
        ex.principal(new Principal("k1", null, List.of("other"), Map.of()));
        RecordingSink client = new RecordingSink();

        chain().execute(ex, client);

        assertThat(client.events).containsExactly("fail 403 model_not_allowed");
        assertThat(h.transport.sent).isEmpty();
    }

    @Test
    void clientDisconnectCancelsTheUpstreamCallThroughTheChain() {
        h.route(model(Routing.FALLBACK, 3, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", manual());
        DefaultExchange ex = h.exchange(true);
        RecordingSink client = new RecordingSink();
        chain().execute(ex, client);

        ex.cancel();

        assertThat(h.transport.calls.getFirst().cancelled).isTrue();
        assertThat(h.transport.sent).containsExactly("a");
        assertThat(client.events).isEmpty();
    }
}
