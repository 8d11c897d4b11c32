package io.tollgate.core.budget;

import static io.tollgate.core.budget.TestConfigs.budget;
import static io.tollgate.core.budget.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.BudgetConfig.Period;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.StateConfig.FailMode;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.state.RedisTestSupport;
import io.tollgate.core.state.TwoReplicas;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisBudgetStoreTest {

    @RegisterExtension
    final TwoReplicas redis = new TwoReplicas();
    private final BudgetWindow window = BudgetWindow.of(BudgetScope.TEAM, "search", Period.DAILY, Instant.now());

    @Test
    void twoGatewaysEnforceOneBudget() {
        TwoReplicas.Pair<BudgetStore> replicas = redis.connect(RedisBudgetStore::new);
        BudgetStore a = replicas.a();
        BudgetStore b = replicas.b();

        assertThat(a.reserve(window, 1.0, 0.4).toCompletableFuture().join().allowed()).isTrue();
        assertThat(b.reserve(window, 1.0, 0.4).toCompletableFuture().join().allowed()).isTrue();
        BudgetStore.Reservation third = a.reserve(window, 1.0, 0.4).toCompletableFuture().join();
        assertThat(third.allowed()).isTrue();
        assertThat(third.reserved()).isCloseTo(0.8, within(1e-9));
        assertThat(b.reserve(window, 1.0, 0.4).toCompletableFuture().join().allowed()).isFalse(); // 1.2 in flight

        a.settle(window, 0.4, 0.3).toCompletableFuture().join();
        b.settle(window, 0.4, 0.35).toCompletableFuture().join();
        BudgetStore.Totals t = a.settle(window, 0.4, 0).toCompletableFuture().join();
        assertThat(t.spent()).isCloseTo(0.65, within(1e-9));
        assertThat(t.reserved()).isZero();
        assertThat(b.totals(window).toCompletableFuture().join().spent()).isCloseTo(0.65, within(1e-9));

        a.settle(window, 0, 0.4).toCompletableFuture().join();  // spent 1.05
        assertThat(b.reserve(window, 1.0, 0.01).toCompletableFuture().join().allowed()).isFalse();
        assertThat(b.reset(window).toCompletableFuture().join().spent()).isZero();
        assertThat(a.reserve(window, 1.0, 0.01).toCompletableFuture().join().allowed()).isTrue();
    }

    @Test
    void seedingFromTheLedgerNeverOverwritesSharedSpend() {
        TwoReplicas.Pair<BudgetStore> replicas = redis.connect(RedisBudgetStore::new);
        BudgetStore a = replicas.a();
        BudgetStore b = replicas.b();
        a.seed(window, 2.5).toCompletableFuture().join();
        b.seed(window, 9.0).toCompletableFuture().join(); // a second replica starting later
        assertThat(b.totals(window).toCompletableFuture().join().spent()).isEqualTo(2.5);
    }

    @Test
    void anAlertThresholdIsClaimedByOneReplicaPerPeriodUntilReset() {
        TwoReplicas.Pair<BudgetStore> replicas = redis.connect(RedisBudgetStore::new);
        BudgetStore a = replicas.a();
        BudgetStore b = replicas.b();
        assertThat(a.claimAlert(window, 0.5).toCompletableFuture().join()).isTrue();
        assertThat(b.claimAlert(window, 0.5).toCompletableFuture().join()).isFalse();
        assertThat(b.claimAlert(window, 0.9).toCompletableFuture().join()).isTrue();
        BudgetWindow tomorrow = BudgetWindow.of(BudgetScope.TEAM, "search", Period.DAILY, Instant.now().plus(Duration.ofDays(1)));
        assertThat(b.claimAlert(tomorrow, 0.5).toCompletableFuture().join()).isTrue();
        b.reset(window).toCompletableFuture().join();
        assertThat(a.claimAlert(window, 0.5).toCompletableFuture().join()).isTrue();
    }

    private static FilterDecision decideWithDeadRedis(FailMode mode, SimpleMeterRegistry registry) {
        DefaultFilterServices services = TestFilterServices.of(registry, io.tollgate.core.filter.Ticker.system(), java.time.Clock.systemUTC());
        try {
            GatewayConfig config = config().key("k", null, null, budget(5.0, Period.DAILY), null).state(RedisTestSupport.DEAD_URL, mode).build();
            GatewayFilter f = new BudgetFilterFactory().create(config, services);
            long start = System.nanoTime();
            FilterDecision d = f.onRequest(TestExchange.forKey("k")).toCompletableFuture().join();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            return d;
        } finally {
            services.close();
        }
    }

    @Test
    void redisDownFailsOpenOrClosedWithinTheTimeout() {
        SimpleMeterRegistry open = new SimpleMeterRegistry();
        assertThat(decideWithDeadRedis(FailMode.OPEN, open)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(open.get("gateway.state.errors").tag("store", "budget").counter().count()).isEqualTo(1);

        FilterDecision closed = decideWithDeadRedis(FailMode.CLOSED, new SimpleMeterRegistry());
        assertThat(closed).isInstanceOf(FilterDecision.Reject.class);
        assertThat(((FilterDecision.Reject) closed).error().status()).isEqualTo(503);
    }
}
