package io.tollgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
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
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ModelAccessFilterTest {

    private final PassthroughAdapter openai = new PassthroughAdapter("openai");
    private final PassthroughAdapter anthropic = new PassthroughAdapter("anthropic");
    private final GatewayConfig config = new GatewayConfig(null, null,
            Map.of("openai", ProviderConfig.of("openai", null, ""), "anthropic", ProviderConfig.of("anthropic", null, "")),
            Map.of("chat", model("openai", "gpt-4o-mini"), "claude", model("anthropic", "claude-haiku-4-5")),
            null, null, null, null, null, null, null, null);
    private final ModelAccessFilter filter = new ModelAccessFilter(
            Routes.build(config, new Providers(Map.of("openai", openai, "anthropic", anthropic)), TestFilterServices.create(), PriceLookup.UNKNOWN));

    private static ModelConfig model(String provider, String upstream) {
        return new ModelConfig(null, List.of(new TargetConfig(provider, upstream, null)), null, null, null, null, null);
    }

    @Test
    void resolvesTheAliasForTheRouterAndTheRecord() {
        DefaultExchange ex = TestExchange.chat("chat", "hi");

        assertThat(TestExchange.decide(filter, ex)).isInstanceOf(FilterDecision.Proceed.class);

        assertThat(ex.attr(ModelAccessFilter.ROUTE).alias()).isEqualTo("chat");
        assertThat(ex.attr(ModelAccessFilter.ROUTE).targets()).extracting(Target::model).containsExactly("gpt-4o-mini");
        assertThat(ex.record().alias()).isEqualTo("chat");
    }

    @Test
    void missingModelIs400NamingTheField() {
        ObjectNode body = Json.object();
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        DefaultExchange ex = TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(), new FakeTicker());

        var error = ((FilterDecision.Reject) TestExchange.decide(filter, ex)).error();

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("invalid_request");
        assertThat(error.param()).isEqualTo("model");
        assertThat(error.message()).contains("'model'");
    }

    @Test
    void unknownAliasIs404() {
        var error = ((FilterDecision.Reject) TestExchange.decide(filter, TestExchange.chat("gpt-5-turbo-max", "hi"))).error();

        assertThat(error.status()).isEqualTo(404);
        assertThat(error.code()).isEqualTo("model_not_found");
        assertThat(error.message()).contains("gpt-5-turbo-max");
    }

    @Test
    void aliasOutsideTheKeysModelsIs403() {
        DefaultExchange ex = TestExchange.chat("claude", "hi");
        ex.principal(new Principal("search-backend", null, List.of("chat"), Map.of()));

        var error = ((FilterDecision.Reject) TestExchange.decide(filter, ex)).error();

        assertThat(error.status()).isEqualTo(403);
        assertThat(error.code()).isEqualTo("model_not_allowed");
    }

    @Test
    void aliasWhoseProvidersAreAllDisabledNamesTheMissingCredential() {
        anthropic.enabled = false;

        var error = ((FilterDecision.Reject) TestExchange.decide(filter, TestExchange.chat("claude", "hi"))).error();

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.code()).isEqualTo("no_healthy_upstream");
        assertThat(error.message()).contains("providers.anthropic.api-key").contains("ANTHROPIC_API_KEY");
        assertThat(TestExchange.decide(filter, TestExchange.chat("chat", "hi"))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void factoryIsFoundByServiceLoaderAtTheModelAccessPosition() {
        FilterFactory factory = ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("model-access")).findFirst().orElseThrow();

        assertThat(factory.order()).isEqualTo(FilterOrder.MODEL_ACCESS);
        assertThat(factory).isInstanceOf(ModelAccessFilterFactory.class);
    }
}
