package io.tollgate.core.budget;

import java.util.Locale;

/** Who a budget belongs to. {@code user} ids come from requests, so they never become metric labels. */
public enum BudgetScope {
    KEY, TEAM, USER;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    public static BudgetScope parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
