package io.tollgate.core.routing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.ServiceLoader;

/** {@code model-access}: alias resolution and per-key model permissions. */
public final class ModelAccessFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "model-access";
    }

    @Override
    public int order() {
        return FilterOrder.MODEL_ACCESS;
    }

    @Override
    public GatewayFilter create(GatewayConfig config, FilterServices services) {
        if (ServiceLoader.load(ProviderFactory.class).findFirst().isEmpty()) {
            // gateway-core alone (other features' chain tests): no adapters to resolve; the router,
            // which needs them, builds the routes and reports unknown provider types itself
            return new ModelAccessFilter(config, null);
        }
        Routes routes = Routes.of(config, services);
        RoutingAdmin.register(routes, services);
        return new ModelAccessFilter(routes);
    }
}
