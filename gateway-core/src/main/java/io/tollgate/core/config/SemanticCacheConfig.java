package io.tollgate.core.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code models.<alias>.cache.semantic:} serve this alias's near-duplicate questions from the cache.
 *
 * @param embeddingModel an alias of {@code models:} that serves {@code /v1/embeddings}; the last user
 *                       turn is embedded through it (as the calling key, with its own ledger row)
 * @param threshold      cosine similarity at or above which a cached answer is served (0-1]; the
 *                       right value depends on the embedding model: see docs/caching.md
 * @param timeout        how long a lookup waits for the embedding before serving the request as a miss
 * @param dimensions     asks the embedding model for shorter vectors (OpenAI's {@code dimensions}, for
 *                       text-embedding-3 models), or null for its native length
 */
public record SemanticCacheConfig(String embeddingModel, Double threshold, Duration timeout, @Nullable Integer dimensions) {

    public SemanticCacheConfig {
        if (embeddingModel == null || embeddingModel.isBlank()) {
            throw new ConfigException("embedding-model", "is required (an alias of models: that serves /v1/embeddings)");
        }
        threshold = Defaults.or(threshold, 0.95);
        timeout = Defaults.or(timeout, Duration.ofSeconds(1));
        if (!(threshold > 0 && threshold <= 1)) throw new ConfigException("threshold", threshold, "> 0 and <= 1");
        if (timeout.isNegative() || timeout.isZero()) throw new ConfigException("timeout", timeout, "> 0");
        if (dimensions != null && dimensions < 1) throw new ConfigException("dimensions", dimensions, ">= 1, or leave it out");
    }
}
