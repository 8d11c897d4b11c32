package io.tollgate.core.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Budget windows in memory. A window is dropped a day after its period ends (user budgets would
 * otherwise grow without bound); {@code total} windows stay. Each window is a tiny monitor: the
 * critical sections are a few additions. A plain concurrent map: every request reads a window, and
 * a cache with per-entry expiry cost 3 % of the event loops' time in the profile; ended windows are
 * swept instead when a new window is created, at most once an hour.
 */
public final class LocalBudgetStore implements BudgetStore {

    private static final class Window {
        double spent;
        double reserved;
        final java.util.Set<Double> alerted = new java.util.HashSet<>(2);
    }

    private static final double DUST = 1e-9;

    static final Duration KEEP_AFTER_END = Duration.ofDays(1);
    private static final long SWEEP_EVERY_MILLIS = Duration.ofHours(1).toMillis();

    private final Clock clock;
    private final ConcurrentHashMap<BudgetWindow, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong();

    public LocalBudgetStore(Clock clock) {
        this.clock = clock;
    }

    private Window window(BudgetWindow w) {
        Window win = windows.get(w);
        if (win == null) {
            sweepIfDue();
            win = windows.computeIfAbsent(w, k -> new Window());
        }
        return win;
    }

    /** Drops windows that ended more than {@link #KEEP_AFTER_END} ago; at most once per hour, by one caller. */
    private void sweepIfDue() {
        long now = clock.millis();
        long due = nextSweep.get();
        if (now < due || !nextSweep.compareAndSet(due, now + SWEEP_EVERY_MILLIS)) {
            return;
        }
        Instant cutoff = clock.instant().minus(KEEP_AFTER_END);
        windows.keySet().removeIf(w -> w.end() != null && w.end().isBefore(cutoff));
    }

    /** Windows held: for tests. */
    int size() {
        return windows.size();
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
        Window win = windows.get(w);
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
