package io.tollgate.core.budget;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.TeamConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /admin/budgets}: every configured key and team budget (and, with {@code ?user=<id>},
 * that user's) with limit, spent, reserved, period and reset time.
 * {@code POST /admin/budgets/{scope}/{id}/reset}: zero the current period's spend.
 */
final class BudgetAdmin {

    private BudgetAdmin() {}

    static void register(AdminRoutes routes, BudgetState state, Clock clock) {
        routes.add("GET", "/admin/budgets", request -> {
            GatewayConfig config = state.config.get();
            Instant now = clock.instant();
            List<BudgetFilter.Applied> all = new ArrayList<>();
            for (KeyConfig k : config.keys()) {
                if (k.budget() != null) {
                    all.add(new BudgetFilter.Applied(BudgetWindow.of(BudgetScope.KEY, k.id(), k.budget().period(), now), k.budget()));
                }
            }
            config.teams().forEach((id, t) -> {
                if (t.budget() != null) {
                    all.add(new BudgetFilter.Applied(BudgetWindow.of(BudgetScope.TEAM, id, t.budget().period(), now), t.budget()));
                }
            });
            String user = request.queryParam("user");
            BudgetConfig userBudget = UserBudget.of(config);
            if (user != null && userBudget != null) {
                all.add(new BudgetFilter.Applied(BudgetWindow.of(BudgetScope.USER, user, userBudget.period(), now), userBudget));
            }
            ArrayNode items = Json.NODES.arrayNode();
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            for (BudgetFilter.Applied a : all) {
                ObjectNode item = items.addObject();
                done = done.thenCompose(v -> state.store.totals(a.window()).thenAccept(t -> describe(item, a, t)));
            }
            return done.thenApply(v -> {
                ObjectNode body = Json.object();
                body.set("budgets", items);
                return AdminResponse.ok(body);
            }).exceptionally(e -> AdminResponse.error(GatewayError.of(ErrorCode.STATE_UNAVAILABLE,
                    "Budget state is unavailable: " + e.getClass().getSimpleName())));
        });
        routes.add("POST", "/admin/budgets/{scope}/{id}/reset", request -> {
            GatewayConfig config = state.config.get();
            String scopeName = request.pathParams().get("scope");
            String id = request.pathParams().get("id");
            BudgetScope scope;
            try {
                scope = BudgetScope.parse(scopeName);
            } catch (IllegalArgumentException e) {
                return notFound("Unknown budget scope '" + scopeName + "' (expected key, team or user).");
            }
            BudgetConfig budget = budgetOf(config, scope, id);
            if (budget == null) {
                return notFound("No " + scope.label() + " budget for '" + id + "'.");
            }
            BudgetFilter.Applied a = new BudgetFilter.Applied(BudgetWindow.of(scope, id, budget.period(), clock.instant()), budget);
            return state.store.reset(a.window()).thenApply(t -> {
                if (scope != BudgetScope.USER) {
                    state.lastSpent.put(scope.label() + ":" + id, 0.0);
                }
                return AdminResponse.ok(describe(Json.object(), a, t));
            });
        });
    }

    private static @Nullable BudgetConfig budgetOf(GatewayConfig config, BudgetScope scope, String id) {
        return switch (scope) {
            case KEY -> config.keys().stream().filter(k -> k.id().equals(id)).map(KeyConfig::budget).filter(b -> b != null).findFirst().orElse(null);
            case TEAM -> {
                TeamConfig t = config.teams().get(id);
                yield t == null ? null : t.budget();
            }
            case USER -> UserBudget.of(config);
        };
    }

    private static CompletionStage<AdminResponse> notFound(String message) {
        return CompletableFuture.completedFuture(AdminResponse.error(GatewayError.of(ErrorCode.NOT_FOUND, message)));
    }

    private static ObjectNode describe(ObjectNode item, BudgetFilter.Applied a, BudgetStore.Totals t) {
        BudgetWindow w = a.window();
        item.put("scope", w.scope().label()).put("id", w.id()).put("period", w.periodName())
                .put("limit_usd", a.budget().usd()).put("spent_usd", t.spent()).put("reserved_usd", t.reserved())
                .put("period_start", w.start().toString());
        item.put("resets_at", w.end() == null ? null : w.end().toString());
        return item;
    }
}
