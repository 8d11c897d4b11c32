package io.tollgate.core.config;

/**
 * {@code cache.semantic:} the in-memory vector index behind every alias's semantic cache.
 *
 * @param maxEntries           vectors held across all aliases
 * @param maxBytes             memory the vectors may take, across all aliases
 * @param maxEntriesPerContext vectors kept for one context (scope, alias and conversation before the
 *                             last user turn); a lookup compares against at most this many
 */
public record SemanticIndexConfig(Integer maxEntries, DataSize maxBytes, Integer maxEntriesPerContext) {

    public static final SemanticIndexConfig DEFAULT = new SemanticIndexConfig(null, null, null);

    public SemanticIndexConfig {
        maxEntries = Defaults.or(maxEntries, 10_000);
        maxBytes = Defaults.or(maxBytes, DataSize.ofMegabytes(64));
        maxEntriesPerContext = Defaults.or(maxEntriesPerContext, 1_000);
        if (maxEntries < 1) throw new ConfigException("max-entries", maxEntries, ">= 1");
        if (maxBytes.bytes() < 1) throw new ConfigException("max-bytes", maxBytes, ">= 1");
        if (maxEntriesPerContext < 1) throw new ConfigException("max-entries-per-context", maxEntriesPerContext, ">= 1");
    }
}
