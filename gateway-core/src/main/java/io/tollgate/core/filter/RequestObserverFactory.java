package io.tollgate.core.filter;

import io.tollgate.core.config.GatewayConfig;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link RequestObserver} per config version (the ledger, request meters). Listed in
 * {@code META-INF/services/io.tollgate.core.filter.RequestObserverFactory}.
 */
public interface RequestObserverFactory {

    /** The observer for this config, or null if it has nothing to do. */
    @Nullable RequestObserver create(GatewayConfig config, FilterServices services);
}
