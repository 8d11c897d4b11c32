package io.tollgate.core.budget;

import java.util.Locale;

/** Who a budget belongs to. {@code user} ids come from requests, so they never become metric labels. */
public enum BudgetScope {
    KEY, TEAM, USER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BudgetScope parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
