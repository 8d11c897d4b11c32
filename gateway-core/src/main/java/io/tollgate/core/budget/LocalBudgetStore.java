package io.tollgate.core.budget;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Budget windows in memory. A window is dropped a day after its period ends (user budgets would
 * otherwise grow without bound); {@code total} windows stay. Each window is a tiny monitor: the
 * critical sections are a few additions.
 */
public final class LocalBudgetStore implements BudgetStore {

    private static final class Window {
        double spent;
        double reserved;
        final java.util.Set<Double> alerted = new java.util.HashSet<>(2);
    }

    private static final double DUST = 1e-9;

    private final Clock clock;
    private final Cache<BudgetWindow, Window> windows;

    public LocalBudgetStore(Clock clock) {
        this.clock = clock;
        this.windows = Caffeine.newBuilder()
                .expireAfter(Expiry.<BudgetWindow, Window>creating((w, v) -> w.end() == null ? Duration.ofDays(365_000)
                        : max(Duration.between(clock.instant(), w.end()).plusDays(1), Duration.ofMinutes(1))))
                .build();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private Window window(BudgetWindow w) {
        return windows.get(w, k -> new Window());
    }

    @Override
    public CompletionStage<Reservation> reserve(BudgetWindow w, double limit, double amount) {
        Window win = window(w);
        synchronized (win) {
            double spent = win.spent;
            double reserved = win.reserved;
            boolean allowed = spent + reserved < limit;
            if (allowed) {
                win.reserved += amount;
            }
            return CompletableFuture.completedFuture(new Reservation(allowed, spent, reserved));
        }
    }

    @Override
    public CompletionStage<Totals> settle(BudgetWindow w, double reserved, double actual) {
        Window win = window(w);
        synchronized (win) {
            win.reserved -= reserved;
            if (win.reserved < DUST) {
                win.reserved = 0; // float remainders of released reservations
            }
            win.spent += actual;
            return CompletableFuture.completedFuture(new Totals(win.spent, win.reserved));
        }
    }

    @Override
    public CompletionStage<Totals> totals(BudgetWindow w) {
        Window win = windows.getIfPresent(w);
        if (win == null) {
            return CompletableFuture.completedFuture(new Totals(0, 0));
        }
        synchronized (win) {
            return CompletableFuture.completedFuture(new Totals(win.spent, win.reserved));
        }
    }

    @Override
    public CompletionStage<Totals> reset(BudgetWindow w) {
        Window win = window(w);
        synchronized (win) {
            win.spent = 0;
            win.alerted.clear();
            return CompletableFuture.completedFuture(new Totals(0, win.reserved));
        }
    }

    @Override
    public CompletionStage<Boolean> claimAlert(BudgetWindow w, double threshold) {
        Window win = window(w);
        synchronized (win) {
            return CompletableFuture.completedFuture(win.alerted.add(threshold));
        }
    }

    /** Adds the ledger's spend: this process has served nothing the ledger already holds at start. */
    @Override
    public CompletionStage<Void> seed(BudgetWindow w, double spent) {
        Window win = window(w);
        synchronized (win) {
            win.spent += spent;
        }
        return CompletableFuture.completedFuture(null);
    }
}
