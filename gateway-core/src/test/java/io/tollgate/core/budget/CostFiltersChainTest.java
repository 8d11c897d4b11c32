package io.tollgate.core.budget;

import static io.tollgate.core.budget.TestConfigs.budget;
import static io.tollgate.core.budget.TestConfigs.config;
import static io.tollgate.core.budget.TestConfigs.limits;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.BudgetConfig.Period;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.RecordingSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both cost filters found the way the server finds them, in one chain. */
class CostFiltersChainTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T12:00:00Z"));
    private final DefaultFilterServices services = TestFilterServices.of(new SimpleMeterRegistry(), new FakeTicker(), clock);

    @AfterEach
    void close() {
        services.close();
    }

    @Test
    void serviceLoaderFindsBothAndARateLimitedRequestReservesNoBudget() {
        // Every factory the server finds except auth and prompt, which open the ledger database (keys, label moves):
        // these exchanges are pre-authenticated (forKey) and name no prompt. AuthFilterTest, CostLedgerWiringTest and
        // PromptRegistryTest cover those two.
        List<FilterFactory> factories = ServiceLoader.load(FilterFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> !f.type().equals("auth") && !f.type().equals("prompt")).toList();
        assertThat(factories).extracting(FilterFactory::type).contains("rate-limit", "budget");
        services.shared(CostEstimator.class, () -> BudgetFilterTest.ESTIMATOR);

        // the alias the request names must exist: ServiceLoader also finds routing's model-access filter
        GatewayConfig config = config().model("chat", null, null).key("k", null, limits(1, null), budget(10.0, Period.DAILY), null).build();
        Terminal router = (ex, sink) -> {
            ex.record().costUsd(0.25);
            sink.unary(GatewayResponse.json(200, Json.object(), null));
        };
        FilterChain chain = FilterChain.build(config, factories, services, router, List.of());
        assertThat(chain.types()).containsSubsequence("rate-limit", "budget");

        RecordingSink first = new RecordingSink();
        var ex = TestExchange.forKey("k");
        chain.execute(ex, first);
        assertThat(first.events).containsExactly("unary 200");
        assertThat(ex.responseHeaders().get("x-ratelimit-remaining-requests")).isEqualTo("0");

        RecordingSink second = new RecordingSink();
        chain.execute(TestExchange.forKey("k"), second);
        assertThat(second.events).containsExactly("fail 429");

        BudgetState state = services.shared(BudgetState.class, () -> null);
        BudgetStore.Totals t = state.store.totals(BudgetWindow.of(BudgetScope.KEY, "k", Period.DAILY, clock.instant())).toCompletableFuture().join();
        assertThat(t).isEqualTo(new BudgetStore.Totals(0.25, 0));
    }
}
