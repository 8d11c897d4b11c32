package io.tollgate.core.budget;

import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.FilterSettings;
import io.tollgate.core.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The per-user budget, applied to every distinct end user ({@code x-gateway-user} or body
 * {@code user}): {@code filters.budget.settings.user-budget: {usd: 5, period: daily, alerts: [0.8]}}.
 * It lives in the budget filter's free-form settings so the SPEC's top-level sections stay as they are.
 */
final class UserBudget {

    private static final String PATH = "filters.budget.settings.user-budget";

    private UserBudget() {}

    static @Nullable BudgetConfig of(GatewayConfig config) {
        FilterSettings settings = config.filters().get("budget");
        Object raw = settings == null ? null : settings.settings().get("user-budget");
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigException(PATH, raw, "a map like {usd: 5, period: daily}");
        }
        for (Object k : map.keySet()) {
            if (!List.of("usd", "period", "alerts").contains(String.valueOf(k))) {
                throw new ConfigException(PATH + "." + k, "unknown key (expected usd, period, alerts)");
            }
        }
        if (!(map.get("usd") instanceof Number usd)) {
            throw new ConfigException(PATH + ".usd", map.get("usd"), "an amount >= 0");
        }
        BudgetConfig.Period period = null;
        if (map.get("period") != null) {
            try {
                period = BudgetConfig.Period.valueOf(String.valueOf(map.get("period")).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PATH + ".period", map.get("period"), "daily | weekly | monthly | total");
            }
        }
        List<Double> alerts = new ArrayList<>();
        if (map.get("alerts") instanceof List<?> list) {
            for (Object a : list) {
                if (!(a instanceof Number n)) {
                    throw new ConfigException(PATH + ".alerts", a, "fractions between 0 and 1");
                }
                alerts.add(n.doubleValue());
            }
        } else if (map.get("alerts") != null) {
            throw new ConfigException(PATH + ".alerts", map.get("alerts"), "a list like [0.5, 0.9]");
        }
        try {
            return new BudgetConfig(usd.doubleValue(), period, alerts);
        } catch (ConfigException e) {   // the record names its own field; say where it sits
            throw new ConfigException(PATH + "." + e.field(), e.detail());
        }
    }
}
