package io.tollgate.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole {@code gateway.yaml}, immutable. One instance per config version; a reload builds a new
 * one and swaps it in atomically. Every section has defaults, so an empty file is a valid config.
 */
public record GatewayConfig(ServerConfig server, AuthConfig auth, Map<String, ProviderConfig> providers,
                            Map<String, ModelConfig> models, Map<String, PriceConfig> pricing,
                            Map<String, TeamConfig> teams, List<KeyConfig> keys, CacheConfig cache,
                            PromptsConfig prompts, StateConfig state, AlertsConfig alerts,
                            Map<String, FilterSettings> filters, List<GuardrailConfig> guardrails, TracingConfig tracing) {

    public GatewayConfig {
        server = Defaults.or(server, ServerConfig.DEFAULT);
        auth = Defaults.or(auth, AuthConfig.DEFAULT);
        providers = Defaults.map(providers);
        models = Defaults.map(models);
        pricing = Defaults.map(pricing);
        teams = Defaults.map(teams);
        keys = Defaults.list(keys);
        cache = Defaults.or(cache, CacheConfig.DEFAULT);
        prompts = Defaults.or(prompts, PromptsConfig.DEFAULT);
        state = Defaults.or(state, StateConfig.DEFAULT);
        alerts = Defaults.or(alerts, AlertsConfig.DEFAULT);
        filters = Defaults.map(filters);
        guardrails = Defaults.list(guardrails);
        tracing = Defaults.or(tracing, TracingConfig.DEFAULT);
        // every broken reference is collected and thrown together, so that validate names them all at once
        List<ConfigException> found = new ArrayList<>();
        for (var e : models.entrySet()) {
            for (int i = 0; i < e.getValue().targets().size(); i++) {
                String p = e.getValue().targets().get(i).provider();
                if (!providers.containsKey(p)) {
                    found.add(new ConfigException("models." + e.getKey() + ".targets[" + i + "].provider",
                            "unknown provider '" + p + "' (expected one of " + providers.keySet() + ")"));
                }
            }
        }
        for (var e : models.entrySet()) {
            List<ConditionalRoute> routes = e.getValue().routes();
            for (int i = 0; i < routes.size(); i++) {
                String to = routes.get(i).to();
                if (!models.containsKey(to) || to.equals(e.getKey())) {
                    found.add(new ConfigException("models." + e.getKey() + ".routes[" + i + "].to",
                            "'" + to + "' (expected: another alias of models: " + models.keySet() + ")"));
                }
            }
        }
        for (var e : models.entrySet()) {
            SemanticCacheConfig semantic = e.getValue().cache().semantic();
            if (semantic == null) {
                continue;
            }
            String at = "models." + e.getKey() + ".cache.semantic";
            if (!cache.enabled()) {
                found.add(new ConfigException(at, "needs the response cache: set cache.enabled: true"));
            }
            String embed = semantic.embeddingModel();
            if (!models.containsKey(embed) || embed.equals(e.getKey())) {
                found.add(new ConfigException(at + ".embedding-model",
                        "'" + embed + "' (expected: another alias of models: that serves /v1/embeddings: " + models.keySet() + ")"));
            }
        }
        Set<String> guardrailNames = new HashSet<>();
        for (int i = 0; i < guardrails.size(); i++) {
            GuardrailConfig g = guardrails.get(i);
            if (!guardrailNames.add(g.name())) {
                found.add(new ConfigException("guardrails[" + i + "].name", "'" + g.name() + "' (expected: unique; another guardrail has this name)"));
            }
            for (int j = 0; j < g.models().size(); j++) {
                if (!models.containsKey(g.models().get(j))) {
                    found.add(new ConfigException("guardrails[" + i + "].models[" + j + "]",
                            "unknown alias '" + g.models().get(j) + "' (expected one of " + models.keySet() + ")"));
                }
            }
        }
        for (KeyConfig k : keys) {
            if (k.team() != null && !teams.containsKey(k.team())) {
                found.add(new ConfigException("keys." + k.id() + ".team", "unknown team '" + k.team() + "' (expected one of " + teams.keySet() + ")"));
            }
        }
        ConfigException.throwAll(found);
    }

    /** Without tracing (the shape before it existed). */
    public GatewayConfig(ServerConfig server, AuthConfig auth, Map<String, ProviderConfig> providers,
                         Map<String, ModelConfig> models, Map<String, PriceConfig> pricing,
                         Map<String, TeamConfig> teams, List<KeyConfig> keys, CacheConfig cache,
                         PromptsConfig prompts, StateConfig state, AlertsConfig alerts,
                         Map<String, FilterSettings> filters, List<GuardrailConfig> guardrails) {
        this(server, auth, providers, models, pricing, teams, keys, cache, prompts, state, alerts, filters, guardrails, null);
    }

    /** Without guardrails (the shape before they existed). */
    public GatewayConfig(ServerConfig server, AuthConfig auth, Map<String, ProviderConfig> providers,
                         Map<String, ModelConfig> models, Map<String, PriceConfig> pricing,
                         Map<String, TeamConfig> teams, List<KeyConfig> keys, CacheConfig cache,
                         PromptsConfig prompts, StateConfig state, AlertsConfig alerts,
                         Map<String, FilterSettings> filters) {
        this(server, auth, providers, models, pricing, teams, keys, cache, prompts, state, alerts, filters, null, null);
    }

    /** An empty config: every default, no providers. */
    public static GatewayConfig empty() {
        return new GatewayConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
