package io.tollgate.core.budget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.auth.KeyStore;
import io.tollgate.core.auth.VirtualKey;
import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.ConfigProblem;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code budget}: key, team and user budgets and per-request cost caps. Spend lives in
 * {@code services.shared} ({@link LocalBudgetStore}, or {@link RedisBudgetStore} with
 * {@code state.redis}); each budget's current window is seeded from the ledger through {@link SpendSource}
 * once per process: at start, or when a reload or the admin API adds the budget.
 * Registers {@code GET /admin/budgets} and {@code POST /admin/budgets/{scope}/{id}/reset}.
 */
public final class BudgetFilterFactory implements FilterFactory {

    private static final Logger log = LoggerFactory.getLogger(BudgetFilterFactory.class);

    @Override public String type() { return "budget"; }

    @Override public int order() { return FilterOrder.BUDGET; }

    /**
     * {@code filters.budget.settings.user-budget}, read as {@code create} reads it, and the spend store's Redis
     * ({@code state.redis}), when one is named: the store is built even with no budget set, for the admin API's keys.
     */
    @Override
    public List<ConfigProblem> check(GatewayConfig config) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.thrownBy(() -> UserBudget.of(config)));
        problems.addAll(RedisState.check(config.state()));
        return problems;
    }

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
        // auth (created first) holds the admin API's keys; without auth there are none: an empty store stands in
        KeyStore keys = services.shared(KeyStore.class, () -> new KeyStore(null, services.clock()));
        SpendSource source = services.shared(SpendSource.class, () -> SpendSource.NONE);
        Executor blocking = services.blockingExecutor();
        boolean first = state.rebuilt.compareAndSet(false, true);
        if (first) {
            // a budget given to an admin-API key later counts the ledger's spend of its period too
            keys.onChange(k -> blocking.execute(() -> {
                try {
                    Map<BudgetConfig.Period, Set<String>> ids = new HashMap<>();
                    budgeted(ids, k.id(), k.budget());
                    seedNew(state, BudgetScope.KEY, ids, source, services.clock().instant());
                } catch (RuntimeException e) {
                    log.error("reading key {}'s spend from the ledger failed; its new budget counts from zero", k.id(), e);
                }
            }));
        }
        blocking.execute(() -> seedWindows(config, keys.list(), first ? userBudget : null, state, source, services.clock().instant()));
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
     * Seeds from the ledger the windows of every budget this process has not counted yet: on the first
     * start all of them (the config's keys, {@code keys} with those created through the admin API, teams,
     * and users when {@code userBudget} is given), on a reload the budgets it adds. Blocking.
     */
    static void seedWindows(GatewayConfig config, List<VirtualKey> keys, @Nullable BudgetConfig userBudget, BudgetState state,
                            SpendSource source, Instant now) {
        try {
            Map<BudgetConfig.Period, Set<String>> keyIds = new HashMap<>();
            config.keys().forEach(k -> budgeted(keyIds, k.id(), k.budget()));
            keys.forEach(k -> budgeted(keyIds, k.id(), k.budget()));
            Map<BudgetConfig.Period, Set<String>> teamIds = new HashMap<>();
            config.teams().forEach((id, t) -> budgeted(teamIds, id, t.budget()));
            seedNew(state, BudgetScope.KEY, keyIds, source, now);
            seedNew(state, BudgetScope.TEAM, teamIds, source, now);
            if (userBudget != null) {
                BudgetWindow probe = BudgetWindow.of(BudgetScope.USER, "", userBudget.period(), now);
                source.spentSince(BudgetScope.USER, probe.start()).forEach((user, spent) -> {
                    if (spent > 0) {
                        state.store.seed(BudgetWindow.of(BudgetScope.USER, user, userBudget.period(), now), spent);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.error("rebuilding budget windows from the ledger failed; budgets count from zero", e);
        }
    }

    private static void budgeted(Map<BudgetConfig.Period, Set<String>> ids, String id, @Nullable BudgetConfig budget) {
        if (budget != null) {
            ids.computeIfAbsent(budget.period(), p -> new HashSet<>()).add(id);
        }
    }

    /** Seeds the windows of {@code ids} not seeded before (per scope, id and period), each once per process. */
    private static void seedNew(BudgetState state, BudgetScope scope, Map<BudgetConfig.Period, Set<String>> ids, SpendSource source, Instant now) {
        Map<BudgetConfig.Period, Set<String>> fresh = new HashMap<>();
        ids.forEach((period, set) -> {
            for (String id : set) {
                if (state.seeded.add(scope.label() + '|' + period + '|' + id)) {
                    fresh.computeIfAbsent(period, p -> new HashSet<>()).add(id);
                }
            }
        });
        seed(scope, fresh, state.store, source, now);
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
