package io.tollgate.core.config;

import org.jspecify.annotations.Nullable;

/** {@code teams.<id>:} a budget and limits shared by every key of the team. */
public record TeamConfig(@Nullable BudgetConfig budget, LimitsConfig limits) {

    public TeamConfig {
        limits = Defaults.or(limits, LimitsConfig.NONE);
    }
}
