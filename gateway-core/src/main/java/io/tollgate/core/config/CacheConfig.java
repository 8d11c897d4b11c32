package io.tollgate.core.config;

import java.time.Duration;

/**
 * {@code cache:} the response cache.
 *
 * @param enabled    off by default
 * @param backend    memory | redis (uses state.redis)
 * @param ttl        default entry lifetime
 * @param maxEntries memory backend bound on entries
 * @param maxBytes   memory backend bound on bytes
 * @param scope      key | team | global: who may see whose answers
 * @param cacheNonDeterministic whether requests with temperature > 0 are cached too
 * @param semantic   the vector index of the semantic cache (aliases opt in with models.&lt;alias&gt;.cache.semantic)
 */
public record CacheConfig(Boolean enabled, Backend backend, Duration ttl, Integer maxEntries, DataSize maxBytes,
                          Scope scope, Boolean cacheNonDeterministic, SemanticIndexConfig semantic) {

    public enum Backend { MEMORY, REDIS }

    public enum Scope { KEY, TEAM, GLOBAL }

    public static final CacheConfig DEFAULT = new CacheConfig(null, null, null, null, null, null, null, null);

    public CacheConfig {
        enabled = Defaults.or(enabled, false);
        backend = Defaults.or(backend, Backend.MEMORY);
        ttl = Defaults.or(ttl, Duration.ofHours(1));
        maxEntries = Defaults.or(maxEntries, 10_000);
        maxBytes = Defaults.or(maxBytes, DataSize.ofMegabytes(64));
        scope = Defaults.or(scope, Scope.KEY);
        cacheNonDeterministic = Defaults.or(cacheNonDeterministic, false);
        semantic = Defaults.or(semantic, SemanticIndexConfig.DEFAULT);
        if (maxEntries < 1) throw new ConfigException("max-entries", maxEntries, ">= 1");
    }

    /** Without the semantic index settings (the shape before they existed). */
    public CacheConfig(Boolean enabled, Backend backend, Duration ttl, Integer maxEntries, DataSize maxBytes,
                       Scope scope, Boolean cacheNonDeterministic) {
        this(enabled, backend, ttl, maxEntries, maxBytes, scope, cacheNonDeterministic, null);
    }
}
