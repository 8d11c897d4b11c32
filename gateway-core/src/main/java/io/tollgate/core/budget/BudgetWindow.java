package io.tollgate.core.budget;

import io.tollgate.core.config.BudgetConfig;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import org.jspecify.annotations.Nullable;

/**
 * One budget's current period: the UTC window spend is counted in. Daily from midnight, weekly from
 * Monday (ISO week), monthly from the 1st, total from the epoch and never ending.
 *
 * @param end the next reset, or null for a {@code total} budget
 */
public record BudgetWindow(BudgetScope scope, String id, BudgetConfig.Period period, Instant start, @Nullable Instant end) {

    public static BudgetWindow of(BudgetScope scope, String id, BudgetConfig.Period period, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate from;
        LocalDate to;
        switch (period) {
            case DAILY -> { from = day; to = day.plusDays(1); }
            case WEEKLY -> { from = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)); to = from.plusWeeks(1); }
            case MONTHLY -> { from = day.withDayOfMonth(1); to = from.plusMonths(1); }
            case TOTAL -> { return new BudgetWindow(scope, id, period, Instant.EPOCH, null); }
            default -> throw new IllegalStateException(period.toString());
        }
        return new BudgetWindow(scope, id, period, from.atStartOfDay(ZoneOffset.UTC).toInstant(), to.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The store key: scope, id and period start, so a new period starts from zero by itself. */
    public String key() {
        return scope.label() + ":" + id + ":" + period.name().charAt(0) + start.getEpochSecond();
    }

    public String periodName() {
        return period.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** "it resets at 2026-02-01T00:00:00Z" or, for a total budget, that it does not. */
    public String resetText() {
        return end == null ? "it is a total budget and does not reset" : "it resets at " + end;
    }
}
