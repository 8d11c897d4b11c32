package io.tollgate.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LocalBudgetStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T12:00:00Z"));
    private final LocalBudgetStore store = new LocalBudgetStore(clock);

    private BudgetWindow day(String user, String date) {
        Instant start = Instant.parse(date + "T00:00:00Z");
        return new BudgetWindow(BudgetScope.USER, user, BudgetConfig.Period.DAILY, start, start.plus(Duration.ofDays(1)));
    }

    @Test
    void reservesAndSettlesWithinOneWindow() {
        BudgetWindow w = day("u1", "2026-01-15");
        assertThat(store.reserve(w, 1.0, 0.4).toCompletableFuture().join().allowed()).isTrue();
        assertThat(store.reserve(w, 1.0, 0.4).toCompletableFuture().join().allowed()).isTrue();
        assertThat(store.reserve(w, 1.0, 0.4).toCompletableFuture().join().allowed()).isTrue(); // 0.8 < 1 before it
        assertThat(store.reserve(w, 1.0, 0.4).toCompletableFuture().join().allowed()).isFalse();
        var totals = store.settle(w, 0.4, 0.1).toCompletableFuture().join();
        assertThat(totals.spent()).isEqualTo(0.1);
        assertThat(totals.reserved()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void endedWindowsAreDroppedADayAfterTheirEndTotalsStay() {
        BudgetWindow old = day("u1", "2026-01-15");
        BudgetWindow total = new BudgetWindow(BudgetScope.TEAM, "t", BudgetConfig.Period.TOTAL, Instant.EPOCH, null);
        store.settle(old, 0, 0.5);
        store.settle(total, 0, 2.0);
        clock.advance(Duration.ofDays(3));
        store.settle(day("u1", "2026-01-18"), 0, 0.1); // a new window: the sweep runs
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.totals(old).toCompletableFuture().join().spent()).isZero();
        assertThat(store.totals(total).toCompletableFuture().join().spent()).isEqualTo(2.0);
    }

    @Test
    void aWindowEndedLessThanADayAgoStays() {
        BudgetWindow yesterday = day("u1", "2026-01-15");
        store.settle(yesterday, 0, 0.5);
        clock.advance(Duration.ofHours(13)); // ended one hour ago
        store.settle(day("u2", "2026-01-16"), 0, 0.1);
        assertThat(store.totals(yesterday).toCompletableFuture().join().spent()).isEqualTo(0.5);
    }
}
