package io.tollgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Conditional routes: a team, a key, a header or a tag sends a request to another alias. */
class ConditionalRoutesTest {

    private static final String YAML = """
            providers: { openai: { type: openai, api-key: x }, cheap: { type: openai, api-key: y } }
            models:
              chat:
                targets: [ { provider: openai, model: gpt-4.1 } ]
                routes:
                  - { team: free, to: budget-chat }
                  - { headers: { x-priority: low }, metadata: { feature: batch }, to: budget-chat }
              budget-chat:
                targets: [ { provider: cheap, model: gpt-4o-mini } ]
            """;

    private final GatewayConfig config = ConfigLoader.parse(YAML, "t.yaml", Map.<String, String>of()::get).orThrow();
    private final ModelAccessFilter filter = new ModelAccessFilter(config, Routes.build(config,
            new Providers(Map.of("openai", new PassthroughAdapter("openai"), "cheap", new PassthroughAdapter("cheap"))),
            TestFilterServices.create(), PriceLookup.UNKNOWN));

    private DefaultExchange exchange(String team, MutableHeaders headers) {
        var body = Json.object().put("model", "chat");
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        DefaultExchange ex = TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), headers, new FakeTicker());
        ex.principal(new Principal("k1", team, List.of(), Map.of()));
        return ex;
    }

    private String servedBy(DefaultExchange ex) {
        assertThat(TestExchange.decide(filter, ex)).isInstanceOf(FilterDecision.Proceed.class);
        return ex.attr(ModelAccessFilter.ROUTE).alias();
    }

    @Test
    void aTeamIsSentToTheCheaperAlias() {
        assertThat(servedBy(exchange("free", MutableHeaders.of()))).isEqualTo("budget-chat");
        assertThat(servedBy(exchange("paying", MutableHeaders.of()))).isEqualTo("chat");
    }

    @Test
    void everyConditionOfARuleMustHold() {
        assertThat(servedBy(exchange(null, MutableHeaders.of("x-priority", "low", "x-gateway-tags", "feature=batch")))).isEqualTo("budget-chat");
        assertThat(servedBy(exchange(null, MutableHeaders.of("x-priority", "low")))).isEqualTo("chat");
    }

    @Test
    void theClientStillSeesTheAliasItAskedFor() {
        DefaultExchange ex = exchange("free", MutableHeaders.of());
        servedBy(ex);
        assertThat(ex.record().alias()).isEqualTo("chat");
    }

    @Test
    void aRouteToAnUnknownAliasIsAConfigError() {
        var r = ConfigLoader.parse(YAML.replace("{ team: free, to: budget-chat }", "{ team: free, to: nowhere }"), "t.yaml", Map.<String, String>of()::get);
        assertThat(r.isValid()).isFalse();
        assertThat(r.problems().get(0).path()).isEqualTo("models.chat.routes[0].to");
    }
}
