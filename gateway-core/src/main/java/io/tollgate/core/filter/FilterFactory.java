package io.tollgate.core.filter;

import io.tollgate.core.config.GatewayConfig;
import org.jspecify.annotations.Nullable;

/**
 * Makes one kind of filter. Listed in {@code META-INF/services/io.tollgate.core.filter.FilterFactory}
 * and found by {@link java.util.ServiceLoader}; the built-in filters are found the same way as
 * third-party ones.
 *
 * <p>{@link #create} runs once per config version (at start and on every reload), never per request.
 * Register meters there. State that must outlive a reload (counters, spend, cache entries) lives in
 * {@link FilterServices#shared}.
 */
public interface FilterFactory {

    /** Kebab-case name: the key under {@code filters:} in YAML and the {@code filter} metric tag. */
    String type();

    /** Position in the chain; see {@link FilterOrder}. {@code filters.<type>.order} overrides it. */
    int order();

    /** The filter for this config, or null when the config leaves it nothing to do. */
    @Nullable GatewayFilter create(GatewayConfig config, FilterServices services);
}
