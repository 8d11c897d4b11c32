package io.tollgate.core.routing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;

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
        return new ModelAccessFilter(Routes.of(config, services));
    }
}
