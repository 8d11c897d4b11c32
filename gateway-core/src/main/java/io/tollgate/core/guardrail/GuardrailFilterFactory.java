package io.tollgate.core.guardrail;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import org.jspecify.annotations.Nullable;

/**
 * Type {@code guardrail}: the {@code guardrails:} list, compiled once per config version (patterns
 * and meters), so a reload picks up changes with nothing kept between versions. No filter at all
 * when the list is empty. Runs after model access (it scopes by alias) and before rate limits and
 * budgets, so blocked input spends neither; its hook sits outside metering's, so a blocked answer
 * is still metered.
 */
public final class GuardrailFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "guardrail";
    }

    @Override
    public int order() {
        return FilterOrder.GUARDRAIL_INPUT;
    }

    @Override
    public @Nullable GatewayFilter create(GatewayConfig config, FilterServices services) {
        if (config.guardrails().isEmpty()) {
            return null;
        }
        return new GuardrailFilter(config.guardrails().stream().map(g -> new Guardrail(g, services.meterRegistry())).toList(),
                config.models().keySet());
    }
}
