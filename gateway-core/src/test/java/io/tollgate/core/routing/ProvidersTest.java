package io.tollgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.core.testing.TestFilterServices;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProvidersTest {

    private static final ProviderFactory OPENAI_LIKE = new ProviderFactory() {
        @Override public Set<String> types() { return Set.of("openai", "groq"); }
        @Override public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) { return new PassthroughAdapter(name); }
    };

    private static GatewayConfig config(Map<String, ProviderConfig> providers) {
        return new GatewayConfig(null, null, providers, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void buildsOneAdapterPerProviderByType() {
        Providers providers = Providers.build(config(Map.of("openai", ProviderConfig.of("openai", null, "k"), "fast", ProviderConfig.of("groq", null, "k"))),
                TestFilterServices.create(), List.of(OPENAI_LIKE));

        assertThat(providers.all()).containsOnlyKeys("openai", "fast");
        assertThat(providers.get("fast").name()).isEqualTo("fast");
    }

    @Test
    void unknownTypeIsAConfigErrorListingTheKnownTypes() {
        assertThatThrownBy(() -> Providers.build(config(Map.of("x", ProviderConfig.of("openia", null, "k"))), TestFilterServices.create(), List.of(OPENAI_LIKE)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers.x.type")
                .hasMessageContaining("openia")
                .hasMessageContaining("[groq, openai]");
    }

    /** Refuses any base-url, as a real factory refuses a malformed one. */
    private static final ProviderFactory PICKY = new ProviderFactory() {
        @Override public Set<String> types() { return Set.of("picky"); }
        @Override public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
            if (config.baseUrl() != null) {
                throw new ConfigException("base-url", config.baseUrl(), "none");
            }
            return new PassthroughAdapter(name);
        }
    };

    @Test
    void checkListsTheProblemOfEveryProviderWithItsFullPath() {
        GatewayConfig config = config(new java.util.TreeMap<>(Map.of(
                "a", ProviderConfig.of("picky", "http://a", "k"), "b", ProviderConfig.of("picky", "http://b", "k"),
                "c", ProviderConfig.of("openia", null, "k"), "d", ProviderConfig.of("picky", null, "k"))));
        assertThat(Providers.check(config, TestFilterServices.create(), List.of(PICKY)))
                .extracting(p -> p.path() + ": " + p.message())
                .containsExactly("providers.a.base-url: http://a (expected: none)", "providers.b.base-url: http://b (expected: none)",
                        "providers.c.type: unknown provider type 'openia' (expected one of [picky])");
    }

    @Test
    void buildNamesTheProviderOfABadSetting() {
        assertThatThrownBy(() -> Providers.build(config(Map.of("a", ProviderConfig.of("picky", "http://a", "k"))), TestFilterServices.create(), List.of(PICKY)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("providers.a.base-url: http://a (expected: none)");
    }

    /** Serves chat only, as Anthropic's API does: no embeddings. */
    private static final ProviderFactory CHAT_ONLY = new ProviderFactory() {
        @Override public Set<String> types() { return Set.of("chat-only"); }
        @Override public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
            PassthroughAdapter adapter = new PassthroughAdapter(name);
            adapter.apis = Set.of(ApiKind.CHAT_COMPLETIONS);
            return adapter;
        }
    };

    private static GatewayConfig semantic(String embedTargets) {
        return ConfigLoader.parse("""
                providers:
                  chatty: { type: chat-only, api-key: k }
                  vectors: { type: openai, api-key: k }
                models:
                  faq:
                    targets: [ { provider: chatty, model: m } ]
                    cache: { semantic: { embedding-model: embed } }
                  embed: { targets: [ %s ] }
                cache: { enabled: true }
                """.formatted(embedTargets), "test.yaml").orThrow();
    }

    @Test
    void aSemanticCacheNeedsAnEmbeddingAliasWithAProviderThatServesEmbeddings() {
        List<ProviderFactory> factories = List.of(CHAT_ONLY, OPENAI_LIKE);
        assertThat(Providers.check(semantic("{ provider: chatty, model: e }"), TestFilterServices.create(), factories))
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("models.faq.cache.semantic.embedding-model");
                    assertThat(p.message()).startsWith("'embed' cannot embed: none of its providers [chatty] serves /v1/embeddings");
                });
        assertThat(Providers.check(semantic("{ provider: chatty, model: e }, { provider: vectors, model: e }"), TestFilterServices.create(), factories))
                .as("one target that embeds is enough: the router picks among those that serve the API").isEmpty();
    }
}
