package io.tollgate.core.budget;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.tollgate.core.auth.AuthFilter;
import io.tollgate.core.auth.VirtualKey;
import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.TeamConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.state.StateFailures;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Key, team and user budgets. Before the call the estimated cost is reserved in every applicable
 * window (402 {@code budget_exceeded} if one is already spent); the hook replaces the reservation
 * with the real {@code record().costUsd()} when the request ends, however it ends. A stream is
 * stopped ({@link Exchange#abort}) when its running cost crosses the per-request cap
 * ({@code max-cost-usd} of key or alias, the lower) or what was left of a budget when it started.
 */
final class BudgetFilter implements GatewayFilter {

    /** A budget that applies to a request, in its current window. */
    record Applied(BudgetWindow window, BudgetConfig budget) {}

    private final GatewayConfig config;
    private final Map<String, KeyConfig> keys = new HashMap<>();
    private final @Nullable BudgetConfig userBudget;
    private final BudgetState state;
    private final CostEstimator estimator;
    private final StateFailures failures;
    private final Map<BudgetScope, Counter> rejections;
    private final Clock clock;

    BudgetFilter(GatewayConfig config, @Nullable BudgetConfig userBudget, BudgetState state, CostEstimator estimator,
                 StateFailures failures, Map<BudgetScope, Counter> rejections, Clock clock) {
        this.config = config;
        for (KeyConfig k : config.keys()) {
            keys.put(k.id(), k);
        }
        this.userBudget = userBudget;
        this.state = state;
        this.estimator = estimator;
        this.failures = failures;
        this.rejections = rejections;
        this.clock = clock;
    }

    List<Applied> budgets(Exchange ex, Instant now) {
        List<Applied> list = new ArrayList<>(3);
        // The authenticated key (config or admin API); the config map covers chains without the auth filter.
        VirtualKey authenticated = ex.attr(AuthFilter.VIRTUAL_KEY);
        KeyConfig key = keys.get(ex.principal().keyId());
        BudgetConfig keyBudget = authenticated != null ? authenticated.budget() : key != null ? key.budget() : null;
        if (keyBudget != null) {
            list.add(new Applied(BudgetWindow.of(BudgetScope.KEY, ex.principal().keyId(), keyBudget.period(), now), keyBudget));
        }
        String team = ex.principal().team() != null ? ex.principal().team()
                : authenticated != null ? authenticated.team() : key != null ? key.team() : null;
        TeamConfig t = team == null ? null : config.teams().get(team);
        if (t != null && t.budget() != null) {
            list.add(new Applied(BudgetWindow.of(BudgetScope.TEAM, team, t.budget().period(), now), t.budget()));
        }
        String user = ex.record().user();
        if (userBudget != null && user != null && !user.isBlank()) {
            list.add(new Applied(BudgetWindow.of(BudgetScope.USER, user, userBudget.period(), now), userBudget));
        }
        return list;
    }

    /** The lower of the key's and the alias's per-request cap, with who set it. */
    private @Nullable Cap requestCap(Exchange ex) {
        Cap cap = null;
        VirtualKey authenticated = ex.attr(AuthFilter.VIRTUAL_KEY);
        KeyConfig key = keys.get(ex.principal().keyId());
        Double keyCap = authenticated != null ? authenticated.maxCostUsd() : key != null ? key.maxCostUsd() : null;
        if (keyCap != null) {
            cap = new Cap(keyCap, "key '" + ex.principal().keyId() + "' max-cost-usd");
        }
        String alias = ex.record().alias().isEmpty() ? ex.request().model() : ex.record().alias();
        ModelConfig model = config.models().get(alias);
        if (model != null && model.maxCostUsd() != null && (cap == null || model.maxCostUsd() < cap.usd())) {
            cap = new Cap(model.maxCostUsd(), "model '" + alias + "' max-cost-usd");
        }
        return cap;
    }

    private record Cap(double usd, String source) {}

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        List<Applied> budgets = budgets(ex, clock.instant());
        Cap cap = requestCap(ex);
        if (budgets.isEmpty() && cap == null) {
            return FilterDecision.proceed();
        }
        Pass pass = new Pass(ex, budgets, cap, budgets.isEmpty() ? 0 : estimator.estimateUsd(ex));
        return pass.step(0).exceptionally(error -> {
            pass.releaseTaken();
            GatewayError answer = failures.onError(error);
            // fail-open: nothing is reserved, but the per-request cap still guards the stream
            return answer == null ? new FilterDecision.Proceed(pass) : new FilterDecision.Reject(answer);
        });
    }

    /** One request: its reservations and, for streams under a cap, the running cost. */
    private final class Pass implements ResponseHook {
        final Exchange ex;
        final List<Applied> budgets;
        final double estimate;
        int taken;
        double streamCap = Double.POSITIVE_INFINITY;
        /** What set {@link #streamCap}: the per-request cap, or the budget with the least headroom (then non-null). */
        final @Nullable Cap cap;
        @Nullable Applied capBudget;
        long inputTokens = -1;
        long estimatedOutput;
        @Nullable TokenUsage reported;
        double runningCost;
        boolean aborted;

        Pass(Exchange ex, List<Applied> budgets, @Nullable Cap cap, double estimate) {
            this.ex = ex;
            this.budgets = budgets;
            this.estimate = estimate;
            this.cap = cap;
            if (cap != null) {
                streamCap = cap.usd();
            }
        }

        CompletionStage<FilterDecision> step(int i) {
            if (i == budgets.size()) {
                return CompletableFuture.completedFuture(new FilterDecision.Proceed(this));
            }
            Applied a = budgets.get(i);
            double limit = a.budget().usd();
            return state.store.reserve(a.window(), limit, estimate).thenCompose(r -> {
                remember(a, r.spent());
                if (!r.allowed()) {
                    releaseTaken();
                    Counter c = rejections.get(a.window().scope());
                    c.increment();
                    return CompletableFuture.completedFuture(new FilterDecision.Reject(exceeded(a, r.spent())));
                }
                taken = i + 1;
                double headroom = limit - r.spent() - r.reserved();
                if (headroom < streamCap) {
                    streamCap = headroom;
                    capBudget = a;
                }
                return step(i + 1);
            });
        }

        /** Built only when a stream is stopped: most requests never need it. */
        String capReason() {
            Applied a = capBudget;
            if (a != null) {
                return describe(a) + " reached its $" + a.budget().usd() + " " + a.window().periodName() + " budget; " + a.window().resetText();
            }
            Cap c = Objects.requireNonNull(cap, "a stream stops only at a cap or a budget");
            return "its cost reached the per-request cap of $" + c.usd() + " (" + c.source() + ")";
        }

        void releaseTaken() {
            for (int j = 0; j < taken; j++) {
                state.store.settle(budgets.get(j).window(), estimate, 0);
            }
            taken = 0;
        }

        @Override
        public @Nullable StreamChunk onChunk(Exchange ex, StreamChunk chunk) {
            if (aborted || streamCap == Double.POSITIVE_INFINITY) {
                return chunk;
            }
            if (chunk.usage() != null) {
                reported = chunk.usage();
            } else {
                estimatedOutput += (textLength(chunk.json()) + 3) / 4;
            }
            if (inputTokens < 0) {
                inputTokens = estimator.inputTokens(ex);
            }
            long input = reported != null && reported.inputTokens() > 0 ? reported.inputTokens() : inputTokens;
            long output = Math.max(reported == null ? 0 : reported.outputTokens(), estimatedOutput);
            runningCost = estimator.costUsd(ex, TokenUsage.of(input, output));
            if (runningCost > streamCap) {
                aborted = true;
                ex.abort(GatewayError.of(ErrorCode.BUDGET_EXCEEDED, "Request stopped: " + capReason() + "."));
                return null;
            }
            return chunk;
        }

        @Override
        public void onComplete(Exchange ex, Completion completion) {
            double actual = ex.record().costUsd();
            if (aborted) {
                actual = Math.max(actual, runningCost);
            }
            for (int j = 0; j < taken; j++) {
                Applied a = budgets.get(j);
                state.store.settle(a.window(), estimate, actual).whenComplete((totals, error) -> {
                    if (error != null) {
                        failures.onError(error);
                        return;
                    }
                    remember(a, totals.spent());
                    state.alerts.check(a.window(), a.budget().usd(), a.budget().alerts(), totals.spent(), config.alerts().webhook(), state.store);
                });
            }
            taken = 0;
        }
    }

    private void remember(Applied a, double spent) {
        if (a.window().scope() != BudgetScope.USER) {
            state.lastSpent.put(a.window().scope().label() + ":" + a.window().id(), spent);
        }
    }

    private static String describe(Applied a) {
        return a.window().scope().label() + " '" + a.window().id() + "'";
    }

    private static GatewayError exceeded(Applied a, double spent) {
        return GatewayError.of(ErrorCode.BUDGET_EXCEEDED, String.format(Locale.ROOT,
                "Budget exceeded: %s has spent $%.4f of its $%.2f %s budget; %s.",
                describe(a), spent, a.budget().usd(), a.window().periodName(), a.window().resetText()));
    }

    /** Characters of generated text in a chunk: OpenAI chat deltas, Anthropic deltas, Responses deltas. */
    static int textLength(JsonNode json) {
        int n = 0;
        JsonNode choices = json.get("choices");
        if (choices != null) {
            for (JsonNode choice : choices) {
                JsonNode delta = choice.path("delta");
                n += text(delta.get("content")) + text(delta.get("reasoning_content")) + text(delta.get("refusal"));
                for (JsonNode call : delta.path("tool_calls")) {
                    n += text(call.path("function").get("arguments"));
                }
            }
        }
        JsonNode delta = json.get("delta");
        if (delta != null) {
            n += delta.isTextual() ? delta.asText().length()
                    : text(delta.get("text")) + text(delta.get("partial_json")) + text(delta.get("thinking"));
        }
        return n;
    }

    private static int text(@Nullable JsonNode node) {
        return node != null && node.isTextual() ? node.asText().length() : 0;
    }
}
