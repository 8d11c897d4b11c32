package io.tollgate.core.routing;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The adapters of one config version: one {@link ProviderAdapter} per {@code providers:} entry, made
 * by the {@link ProviderFactory} (found with {@link ServiceLoader}) whose {@code types()} has its type.
 * Immutable; a reload builds a new one.
 */
public final class Providers {

    private final Map<String, ProviderAdapter> adapters;

    public Providers(Map<String, ProviderAdapter> adapters) {
        this.adapters = Map.copyOf(adapters);
    }

    /** Builds every provider of {@code config} with the factories on the class path. */
    public static Providers load(GatewayConfig config, FilterServices services) {
        return build(config, services, ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** Builds every provider of {@code config} with {@code factories}; an unknown type names the known ones. */
    public static Providers build(GatewayConfig config, FilterServices services, List<ProviderFactory> factories) {
        Map<String, ProviderFactory> byType = new LinkedHashMap<>();
        for (ProviderFactory f : factories) {
            for (String type : f.types()) {
                byType.putIfAbsent(type, f);
            }
        }
        Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
        for (Map.Entry<String, ProviderConfig> e : config.providers().entrySet()) {
            ProviderFactory factory = byType.get(e.getValue().type());
            if (factory == null) {
                throw new ConfigException("providers." + e.getKey() + ".type",
                        "unknown provider type '" + e.getValue().type() + "' (expected one of " + new TreeSet<>(byType.keySet()) + ")");
            }
            adapters.put(e.getKey(), factory.create(e.getKey(), e.getValue(), services));
        }
        return new Providers(adapters);
    }

    /** The adapter of provider {@code name}, or null. */
    public @Nullable ProviderAdapter get(String name) {
        return adapters.get(name);
    }

    public Map<String, ProviderAdapter> all() {
        return adapters;
    }
}
