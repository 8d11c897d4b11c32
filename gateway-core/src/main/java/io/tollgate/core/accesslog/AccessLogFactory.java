package io.tollgate.core.accesslog;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.RequestObserver;
import io.tollgate.core.filter.RequestObserverFactory;
import org.jspecify.annotations.Nullable;

/** The access log when {@code server.access-log} is on; built per config version, so a reload switches it. */
public final class AccessLogFactory implements RequestObserverFactory {

    @Override
    public @Nullable RequestObserver create(GatewayConfig config, FilterServices services) {
        return config.server().accessLog() ? new AccessLog(services.clock()) : null;
    }
}
