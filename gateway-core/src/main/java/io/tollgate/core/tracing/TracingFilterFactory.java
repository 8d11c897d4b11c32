package io.tollgate.core.tracing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import org.jspecify.annotations.Nullable;

/**
 * Type {@code tracing}: the {@code tracing:} section. No filter while it is off, so an untraced
 * gateway runs the same chain as before tracing existed and never loads OpenTelemetry's classes.
 * When on, the SDK (exporter, batch thread) is shared across config versions and rebuilt only when
 * the section changes; a reload that turns tracing off retires it.
 */
public final class TracingFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "tracing";
    }

    @Override
    public int order() {
        return FilterOrder.TRACING;
    }

    @Override
    public @Nullable GatewayFilter create(GatewayConfig config, FilterServices services) {
        if (!config.tracing().enabled()) {
            TracerProviders running = services.existing(TracerProviders.class);
            if (running != null) {
                running.retire();
            }
            return null;
        }
        TracerProviders providers = services.shared(TracerProviders.class, () -> new TracerProviders(services.scheduler(), services.meterRegistry()));
        return new TracingFilter(providers.tracer(config.tracing()), config);
    }
}
