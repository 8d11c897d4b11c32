package io.tollgate.core.config;

import java.util.List;

/**
 * {@code budget:} a spend cap over a UTC period.
 *
 * @param usd    the cap
 * @param period daily | weekly | monthly | total
 * @param alerts fractions of the cap that raise a soft alert once per period, e.g. [0.5, 0.9]
 */
public record BudgetConfig(Double usd, Period period, List<Double> alerts) {

    public enum Period { DAILY, WEEKLY, MONTHLY, TOTAL }

    public BudgetConfig {
        if (usd == null || usd < 0) throw new ConfigException("usd", usd, "an amount >= 0");
        period = Defaults.or(period, Period.MONTHLY);
        alerts = Defaults.list(alerts);
        for (Double a : alerts) {
            if (a == null || a <= 0 || a >= 1) throw new ConfigException("alerts", a, "fractions between 0 and 1, e.g. [0.5, 0.9]");
        }
    }
}
