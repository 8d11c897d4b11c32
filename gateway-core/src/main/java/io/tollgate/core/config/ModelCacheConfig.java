package io.tollgate.core.config;

import org.jspecify.annotations.Nullable;

/**
 * {@code models.<alias>.cache:} the response cache's settings for one alias ({@code cache:} holds the
 * process-wide ones).
 *
 * @param semantic opt-in semantic cache for this alias, or null for exact matching only
 */
public record ModelCacheConfig(@Nullable SemanticCacheConfig semantic) {

    public static final ModelCacheConfig NONE = new ModelCacheConfig(null);
}
