package io.tollgate.core.budget;

import io.tollgate.core.config.GatewayConfig;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What budgets keep across reloads ({@code services.shared}): the store, the alert memory, the
 * latest spend per configured key/team for the gauge, the config admin routes answer from, and
 * which windows were seeded from the ledger.
 */
final class BudgetState {

    final BudgetStore store;
    final BudgetAlerts alerts;
    /** "scope:id" of configured keys and teams only (bounded) -> last spend seen in the current window. */
    final Map<String, Double> lastSpent = new ConcurrentHashMap<>();
    final AtomicReference<GatewayConfig> config = new AtomicReference<>();
    final AtomicBoolean rebuilt = new AtomicBoolean();
    /** "scope|period|id" of budgets whose windows were seeded from the ledger: each once per process. */
    final Set<String> seeded = ConcurrentHashMap.newKeySet();

    BudgetState(BudgetStore store, BudgetAlerts alerts) {
        this.store = store;
        this.alerts = alerts;
    }

    double lastSpent(String scopeAndId) {
        return lastSpent.getOrDefault(scopeAndId, 0.0);
    }
}
