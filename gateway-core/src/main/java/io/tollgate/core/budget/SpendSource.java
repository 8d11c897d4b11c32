package io.tollgate.core.budget;

import java.time.Instant;
import java.util.Map;

/**
 * Seam: spend the ledger recorded since {@code since}, per id of {@code scope} (key id, team, user),
 * read once at start to rebuild the budget windows. Blocking (JDBC): it is called on the blocking
 * executor. The budget factory takes {@code services.shared(SpendSource.class, ...)}; the ledger
 * registers its reader there, or {@link #NONE} starts every window at zero.
 */
@FunctionalInterface
public interface SpendSource {

    Map<String, Double> spentSince(BudgetScope scope, Instant since);

    SpendSource NONE = (scope, since) -> Map.of();
}
