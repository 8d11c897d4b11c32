package io.tollgate.core.budget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.auth.KeyStore;
import io.tollgate.core.auth.VirtualKey;
import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.TeamConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.state.RedisState;
import io.tollgate.core.state.StateFailures;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code budget}: key, team and user budgets and per-request cost caps. Spend lives in
 * {@code services.shared} ({@link LocalBudgetStore}, or {@link RedisBudgetStore} with
 * {@code state.redis}); on first start it is rebuilt from the ledger through {@link SpendSource}.
 * Registers {@code GET /admin/budgets} and {@code POST /admin/budgets/{scope}/{id}/reset}.
 */
public final class BudgetFilterFactory implements FilterFactory {

    private static final Logger log = LoggerFactory.getLogger(BudgetFilterFactory.class);

    @Override public String type() { return "budget"; }

    @Override public int order() { return FilterOrder.BUDGET; }

    @Override
    public @Nullable GatewayFilter create(GatewayConfig config, FilterServices services) {
        BudgetConfig userBudget = UserBudget.of(config);
        BudgetState state = services.shared(BudgetState.class, () -> new BudgetState(store(config, services),
                new BudgetAlerts(services.meterRegistry(), services.blockingExecutor(), services.scheduler())));
        state.config.set(config);
        Map<BudgetScope, Counter> rejections = new EnumMap<>(BudgetScope.class);
        for (BudgetScope s : BudgetScope.values()) {
            rejections.put(s, Counter.builder("gateway.budget.rejections").description("Requests refused by a spent budget")
                    .tag("scope", s.label()).register(services.meterRegistry()));
        }
        registerGauges(config, state, services);
        BudgetAdmin.register(services.shared(AdminRoutes.class, AdminRoutes::new), state, services.clock());
        if (state.rebuilt.compareAndSet(false, true)) {
            SpendSource source = services.shared(SpendSource.class, () -> SpendSource.NONE);
            // auth (created first) holds the admin API's keys; without auth there are none: an empty store stands in
            KeyStore keys = services.shared(KeyStore.class, () -> new KeyStore(null, services.clock()));
            services.blockingExecutor().execute(() -> rebuild(config, keys.list(), userBudget, state.store, source, services.clock().instant()));
        }
        boolean any = userBudget != null
                || !config.auth().adminKey().isEmpty()   // keys created through the admin API may carry budgets
                || config.keys().stream().anyMatch(k -> k.budget() != null || k.maxCostUsd() != null)
                || config.teams().values().stream().anyMatch(t -> t.budget() != null)
                || config.models().values().stream().anyMatch(m -> m.maxCostUsd() != null);
        if (!any) {
            return null;
        }
        CostEstimator estimator = services.shared(CostEstimator.class, () -> CostEstimator.DEFAULT);
        StateFailures failures = new StateFailures("budget", config.state().onRedisError(), services.meterRegistry());
        return new BudgetFilter(config, userBudget, state, estimator, failures, rejections, services.clock());
    }

    static BudgetStore store(GatewayConfig config, FilterServices services) {
        String redis = config.state().redis();
        if (redis.isBlank()) {
            return new LocalBudgetStore(services.clock());
        }
        RedisState state = services.shared(RedisState.class, () -> new RedisState(redis));
        return new RedisBudgetStore(state, "tollgate:budget:");
    }

    /** {@code gateway.budget.spent.usd{scope,id}} for configured keys and teams (bounded); never for users. */
    private static void registerGauges(GatewayConfig config, BudgetState state, FilterServices services) {
        for (KeyConfig k : config.keys()) {
            if (k.budget() != null) {
                gauge(services, state, BudgetScope.KEY, k.id());
            }
        }
        for (Map.Entry<String, TeamConfig> t : config.teams().entrySet()) {
            if (t.getValue().budget() != null) {
                gauge(services, state, BudgetScope.TEAM, t.getKey());
            }
        }
    }

    private static void gauge(FilterServices services, BudgetState state, BudgetScope scope, String id) {
        String key = scope.label() + ":" + id;
        Gauge.builder("gateway.budget.spent.usd", state, s -> s.lastSpent(key))
                .description("Spend in the current budget period, as last seen by this replica")
                .tag("scope", scope.label()).tag("id", id).register(services.meterRegistry());
    }

    /**
     * Seeds the current windows with the ledger's spend: of the config's keys, of {@code keys} (those
     * created through the admin API are only there), of teams and users. Runs on the blocking executor.
     */
    static void rebuild(GatewayConfig config, List<VirtualKey> keys, @Nullable BudgetConfig userBudget, BudgetStore store,
                        SpendSource source, Instant now) {
        try {
            Map<BudgetConfig.Period, Set<String>> keyIds = new HashMap<>();
            config.keys().forEach(k -> budgeted(keyIds, k.id(), k.budget()));
            keys.forEach(k -> budgeted(keyIds, k.id(), k.budget()));
            Map<BudgetConfig.Period, Set<String>> teamIds = new HashMap<>();
            config.teams().forEach((id, t) -> {
                if (t.budget() != null) {
                    teamIds.computeIfAbsent(t.budget().period(), p -> new HashSet<>()).add(id);
                }
            });
            seed(BudgetScope.KEY, keyIds, store, source, now);
            seed(BudgetScope.TEAM, teamIds, store, source, now);
            if (userBudget != null) {
                BudgetWindow probe = BudgetWindow.of(BudgetScope.USER, "", userBudget.period(), now);
                source.spentSince(BudgetScope.USER, probe.start()).forEach((user, spent) -> {
                    if (spent > 0) {
                        store.seed(BudgetWindow.of(BudgetScope.USER, user, userBudget.period(), now), spent);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.error("rebuilding budget windows from the ledger failed; budgets start from zero", e);
        }
    }

    private static void budgeted(Map<BudgetConfig.Period, Set<String>> ids, String id, @Nullable BudgetConfig budget) {
        if (budget != null) {
            ids.computeIfAbsent(budget.period(), p -> new HashSet<>()).add(id);
        }
    }

    private static void seed(BudgetScope scope, Map<BudgetConfig.Period, Set<String>> ids, BudgetStore store, SpendSource source, Instant now) {
        ids.forEach((period, set) -> {
            Instant since = BudgetWindow.of(scope, "", period, now).start();
            Map<String, Double> spent = source.spentSince(scope, since);
            for (String id : set) {
                Double s = spent.get(id);
                if (s != null && s > 0) {
                    store.seed(BudgetWindow.of(scope, id, period, now), s);
                }
            }
        });
    }
}
