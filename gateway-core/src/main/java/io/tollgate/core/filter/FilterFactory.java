package io.tollgate.core.filter;

import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Makes one kind of filter. Listed in {@code META-INF/services/io.tollgate.core.filter.FilterFactory}
 * and found by {@link java.util.ServiceLoader}; the built-in filters are found the same way as
 * third-party ones.
 *
 * <p>{@link #create} runs once per config version (at start and on every reload), never per request.
 * Register meters there. State that must outlive a reload (counters, spend, cache entries) lives in
 * {@link FilterServices#shared}.
 *
 * <p>{@link #check} runs first, on every config before anything is built: {@code validate}, {@code serve}
 * and every reload list its problems and go no further.
 */
public interface FilterFactory {

    /** Kebab-case name: the key under {@code filters:} in YAML and the {@code filter} metric tag. */
    String type();

    /** Position in the chain; see {@link FilterOrder}. {@code filters.<type>.order} overrides it. */
    int order();

    /**
     * What in {@code config} {@link #create} would refuse, found from the config alone: no connection opened,
     * no file written, no thread started (a store that is down is a runtime matter, not a config error).
     * Paths are full ({@code cache.backend}). Override with the same parse or rule {@code create} uses,
     * never a copy of it, so the two cannot drift. Default: nothing to refuse.
     */
    default List<ConfigProblem> check(GatewayConfig config) {
        return List.of();
    }

    /** The filter for this config, or null when the config leaves it nothing to do. */
    @Nullable GatewayFilter create(GatewayConfig config, FilterServices services);
}
