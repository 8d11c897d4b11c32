package io.tollgate.core.routing;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.SemanticCacheConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapters of one config version: one {@link ProviderAdapter} per {@code providers:} entry, made
 * by the {@link ProviderFactory} (found with {@link ServiceLoader}) whose {@code types()} has its type.
 * Immutable; a reload builds a new one.
 */
public final class Providers {

    private static final Logger log = LoggerFactory.getLogger(Providers.class);

    private final Map<String, ProviderAdapter> adapters;

    public Providers(Map<String, ProviderAdapter> adapters) {
        this.adapters = Map.copyOf(adapters);
    }

    /** Builds every provider of {@code config} with the factories on the class path. */
    public static Providers load(GatewayConfig config, FilterServices services) {
        return build(config, services, factories());
    }

    /** Builds every provider of {@code config} with {@code factories}; an unknown type names the known ones. */
    public static Providers build(GatewayConfig config, FilterServices services, List<ProviderFactory> factories) {
        Map<String, ProviderFactory> byType = byType(factories);
        warnings(config, byType).forEach(warning -> log.warn("{}", warning));
        Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
        for (Map.Entry<String, ProviderConfig> e : config.providers().entrySet()) {
            String at = "providers." + e.getKey();
            ProviderFactory factory = factory(byType, at, e.getValue());
            try {
                adapters.put(e.getKey(), factory.create(e.getKey(), e.getValue(), services));
            } catch (ConfigException bad) {
                throw new ConfigException(at + "." + bad.field(), bad.detail());
            }
        }
        return new Providers(adapters);
    }

    /**
     * What the providers of {@code config} set that does nothing, one line per key: keys that no longer do anything,
     * with what replaced them, and keys that the provider's type does not read (a {@code region} on {@code openai}).
     * Warnings, not problems: such files loaded before these were reported, and the gateway runs as they ask.
     */
    public static List<String> warnings(GatewayConfig config) {
        return warnings(config, byType(factories()));
    }

    private static List<String> warnings(GatewayConfig config, Map<String, ProviderFactory> byType) {
        List<String> warnings = new ArrayList<>();
        config.providers().forEach((name, provider) -> {
            ProviderFactory factory = byType.get(provider.type());
            for (String key : provider.presentKeys()) {
                String replaced = ProviderConfig.DEPRECATED.get(key);
                if (replaced != null) {
                    warnings.add("providers." + name + "." + key + " (" + replaced + ")");
                } else if (factory != null && !factory.keys(provider.type()).contains(key)) {
                    warnings.add("providers." + name + "." + key + " (ignored: type " + provider.type() + " reads only "
                            + String.join(", ", factory.keys(provider.type())) + ")");
                }
            }
        });
        return warnings;
    }

    /**
     * The problems {@link #load} would throw for, of every provider rather than the first, found with each
     * factory's {@link ProviderFactory#inspect}, which starts nothing; then whether each alias that a feature calls
     * on its own API can serve it. {@code services} only lends what adapters are built with.
     */
    public static List<ConfigProblem> check(GatewayConfig config, FilterServices services) {
        return check(config, services, factories());
    }

    /** {@link #check(GatewayConfig, FilterServices)} with {@code factories}. */
    public static List<ConfigProblem> check(GatewayConfig config, FilterServices services, List<ProviderFactory> factories) {
        Map<String, ProviderFactory> byType = byType(factories);
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, ProviderAdapter> inspected = new LinkedHashMap<>();
        for (Map.Entry<String, ProviderConfig> e : config.providers().entrySet()) {
            String at = "providers." + e.getKey();
            ProviderFactory factory = byType.get(e.getValue().type());
            if (factory == null) {
                problems.add(unknownType(byType, at, e.getValue()).problem());
                continue;
            }
            try {
                inspected.put(e.getKey(), factory.inspect(e.getKey(), e.getValue(), services));
            } catch (ConfigException bad) {
                problems.add(new ConfigProblem(at + "." + bad.field(), 0, bad.detail()));
            }
        }
        problems.addAll(embeddingProblems(config, inspected));
        return problems;
    }

    /**
     * A semantic cache embeds each question through its {@code embedding-model} alias: an alias none of whose
     * providers serves {@code /v1/embeddings} (Anthropic's API has none) would make every lookup fail at request
     * time, so it is refused here. Providers that failed their own check are left to that problem.
     */
    private static List<ConfigProblem> embeddingProblems(GatewayConfig config, Map<String, ProviderAdapter> inspected) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (Map.Entry<String, ModelConfig> e : config.models().entrySet()) {
            SemanticCacheConfig semantic = e.getValue().cache().semantic();
            ModelConfig embed = semantic == null ? null : config.models().get(semantic.embeddingModel());
            if (embed == null) {
                continue;   // no semantic cache, or an unknown alias: the config's own check reports that
            }
            List<String> providers = embed.targets().stream().map(TargetConfig::provider).distinct().toList();
            if (!providers.stream().allMatch(inspected::containsKey)
                    || providers.stream().anyMatch(p -> inspected.get(p).supports(ApiKind.EMBEDDINGS))) {
                continue;
            }
            problems.add(new ConfigProblem("models." + e.getKey() + ".cache.semantic.embedding-model", 0,
                    "'" + semantic.embeddingModel() + "' cannot embed: none of its providers " + providers
                            + " serves /v1/embeddings (expected: an alias with an OpenAI-compatible, Azure, Gemini, Vertex AI or Bedrock target)"));
        }
        return problems;
    }

    private static List<ProviderFactory> factories() {
        return ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    private static Map<String, ProviderFactory> byType(List<ProviderFactory> factories) {
        Map<String, ProviderFactory> byType = new LinkedHashMap<>();
        for (ProviderFactory f : factories) {
            for (String type : f.types()) {
                byType.putIfAbsent(type, f);
            }
        }
        return byType;
    }

    private static ProviderFactory factory(Map<String, ProviderFactory> byType, String at, ProviderConfig provider) {
        ProviderFactory factory = byType.get(provider.type());
        if (factory == null) {
            throw unknownType(byType, at, provider);
        }
        return factory;
    }

    private static ConfigException unknownType(Map<String, ProviderFactory> byType, String at, ProviderConfig provider) {
        return new ConfigException(at + ".type",
                "unknown provider type '" + provider.type() + "' (expected one of " + new TreeSet<>(byType.keySet()) + ")");
    }

    /** The adapter of provider {@code name}, or null. */
    public @Nullable ProviderAdapter get(String name) {
        return adapters.get(name);
    }

    public Map<String, ProviderAdapter> all() {
        return adapters;
    }
}
