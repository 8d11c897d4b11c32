package io.tollgate.core.provider;

import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import java.util.Set;

/**
 * Makes adapters for one or more {@code type}s. Listed in
 * {@code META-INF/services/io.tollgate.core.provider.ProviderFactory}.
 */
public interface ProviderFactory {

    /** The {@code type:} values this factory handles, e.g. {@code openai}, {@code groq}, {@code vllm}. */
    Set<String> types();

    /** An adapter for the provider {@code name}; throws {@link io.tollgate.core.config.ConfigException} on bad settings. */
    ProviderAdapter create(String name, ProviderConfig config, FilterServices services);
}
