package io.tollgate.core.provider;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import java.util.List;
import java.util.Set;

/**
 * Makes adapters for one or more {@code type}s. Listed in
 * {@code META-INF/services/io.tollgate.core.provider.ProviderFactory}.
 */
public interface ProviderFactory {

    /** The {@code type:} values this factory handles, e.g. {@code openai}, {@code groq}, {@code vllm}. */
    Set<String> types();

    /**
     * The {@code providers.<name>} keys a provider of {@code type} reads, besides {@code type}. A key set on a provider
     * whose type does not read it (an {@code api-key} on {@code bedrock}, which signs with AWS keys) loads with a
     * warning naming these. The default, every key, warns of nothing: for factories that do not say.
     */
    default List<String> keys(String type) {
        return ProviderConfig.KEYS;
    }

    /** An adapter for the provider {@code name}; throws {@link ConfigException} on bad settings. */
    ProviderAdapter create(String name, ProviderConfig config, FilterServices services);

    /**
     * The adapter {@link #create} would make, for checking a config: every rule of {@code create} (it throws the
     * same {@link ConfigException}s), nothing started. The default is {@code create} itself: adapters are pure
     * translation and hold nothing open. A factory whose {@code create} starts work (a token refresher, say)
     * overrides this and skips only that part.
     */
    default ProviderAdapter inspect(String name, ProviderConfig config, FilterServices services) {
        return create(name, config, services);
    }
}
