package io.tollgate.core.budget;

import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.FilterSettings;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.config.AlertsConfig;
import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.config.TeamConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small builder for the config slices limits and budgets read. */
public final class TestConfigs {

    private final List<KeyConfig> keys = new ArrayList<>();
    private final Map<String, TeamConfig> teams = new LinkedHashMap<>();
    private final Map<String, ModelConfig> models = new LinkedHashMap<>();
    private final Map<String, FilterSettings> filters = new LinkedHashMap<>();
    private StateConfig state = StateConfig.DEFAULT;
    private AlertsConfig alerts = AlertsConfig.DEFAULT;

    public static TestConfigs config() {
        return new TestConfigs();
    }

    public TestConfigs key(String id, String team, LimitsConfig limits, BudgetConfig budget, Double maxCostUsd) {
        keys.add(new KeyConfig(id, "a".repeat(64), null, team, null, limits, budget, maxCostUsd, null, null));
        return this;
    }

    public TestConfigs team(String id, LimitsConfig limits, BudgetConfig budget) {
        teams.put(id, new TeamConfig(budget, limits));
        return this;
    }

    public TestConfigs model(String alias, LimitsConfig limits, Double maxCostUsd) {
        models.put(alias, new ModelConfig(null, List.of(new TargetConfig("mock", "mock-model", null)), null, null, null, maxCostUsd, limits));
        return this;
    }

    public TestConfigs userBudget(Map<String, Object> budget) {
        filters.put("budget", new FilterSettings(null, null, null, null, Map.of("user-budget", budget)));
        return this;
    }

    public TestConfigs state(String redis, StateConfig.FailMode mode) {
        state = new StateConfig(null, redis, null, mode, null);
        return this;
    }

    public TestConfigs webhook(String url) {
        alerts = new AlertsConfig(url);
        return this;
    }

    public GatewayConfig build() {
        Map<String, ProviderConfig> providers = Map.of("mock",
                new ProviderConfig("mock", null, null, null, null, null, null, null, null, null, null, null, null, null));
        return new GatewayConfig(null, null, providers, models, null, teams, keys, null, null, state, alerts, filters);
    }

    public static LimitsConfig limits(Integer rpm, Integer tpm) {
        return new LimitsConfig(rpm, tpm);
    }

    public static BudgetConfig budget(double usd, BudgetConfig.Period period, Double... alerts) {
        return new BudgetConfig(usd, period, List.of(alerts));
    }
}
