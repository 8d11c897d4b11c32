package io.tollgate.core.filter;

import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link RequestObserver} per config version (the ledger, request meters). Listed in
 * {@code META-INF/services/io.tollgate.core.filter.RequestObserverFactory}.
 */
public interface RequestObserverFactory {

    /** What in {@code config} {@link #create} would refuse, from the config alone; see {@link FilterFactory#check}. */
    default List<ConfigProblem> check(GatewayConfig config) {
        return List.of();
    }

    /** The observer for this config, or null if it has nothing to do. */
    @Nullable RequestObserver create(GatewayConfig config, FilterServices services);
}
