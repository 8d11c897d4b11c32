package io.tollgate.core.budget;

import java.util.concurrent.CompletionStage;

/**
 * Spend and in-flight reservations per budget window. {@link LocalBudgetStore} keeps them in the
 * process; {@link RedisBudgetStore} in Redis, so every replica sees one total.
 */
public interface BudgetStore {

    /**
     * Reserves {@code amount} unless {@code spent + reserved >= limit} already. In-flight reservations
     * count, so a burst overshoots the limit by at most one request's cost per replica.
     *
     * @return the totals before this reservation, and whether it was made
     */
    CompletionStage<Reservation> reserve(BudgetWindow window, double limit, double amount);

    /** Replaces a reservation with what the request really cost (0 releases it). */
    CompletionStage<Totals> settle(BudgetWindow window, double reserved, double actual);

    CompletionStage<Totals> totals(BudgetWindow window);

    /** Sets the window's spend to zero (in-flight reservations stay and settle normally). */
    CompletionStage<Totals> reset(BudgetWindow window);

    /** Start-up: spend the ledger recorded in this window before the process started. */
    CompletionStage<Void> seed(BudgetWindow window, double spent);

    /**
     * Claims the alert at {@code threshold} in this window: true for exactly one caller per window
     * (across replicas with Redis) until the window is reset.
     */
    CompletionStage<Boolean> claimAlert(BudgetWindow window, double threshold);

    record Totals(double spent, double reserved) {}

    record Reservation(boolean allowed, double spent, double reserved) {}
}
