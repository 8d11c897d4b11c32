package io.tollgate.core.metering;

import io.tollgate.core.budget.CostEstimator;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.model.TokenUsage;

/**
 * Metering's price table and tokenizer behind the seams of budgets ({@link CostEstimator}) and rate limits
 * ({@link io.tollgate.core.ratelimit.TokenEstimator}). One shared instance; each config version swaps in its
 * price table ({@code pricing:} overrides and aliases), so the budget and rate-limit filters, which look the
 * seam up once, always price with the current config.
 *
 * <p>The model priced is the one the request went to ({@code record().upstreamModel()}) once known, else the
 * request's alias: for an alias, the priciest of its targets (a reservation errs high, settlement corrects it).
 * A model without a known price costs 0, as in metering.
 */
public final class CostEstimates implements CostEstimator, io.tollgate.core.ratelimit.TokenEstimator {

    private volatile TokenEstimator current = new TokenEstimator(PriceTable.builtIn(), java.util.Map.of());

    /**
     * Registers (first call) and updates (every call) the shared estimates for {@code config}. Call before the
     * budget and rate-limit factories look their seams up: the auth and metering factories do, and auth is first
     * in the chain; a server may also call it itself before building the chain.
     */
    public static CostEstimates install(GatewayConfig config, FilterServices services) {
        CostEstimates estimates = services.shared(CostEstimates.class, CostEstimates::new);
        estimates.current = TokenEstimator.of(config);
        services.shared(CostEstimator.class, () -> estimates);
        services.shared(io.tollgate.core.ratelimit.TokenEstimator.class, () -> estimates);
        return estimates;
    }

    public TokenEstimator estimator() {
        return current;
    }

    private static String model(Exchange ex) {
        String upstream = ex.record().upstreamModel();
        return upstream == null || upstream.isEmpty() ? ex.request().model() : upstream;
    }

    @Override
    public double costUsd(Exchange ex, TokenUsage usage) {
        TokenEstimator e = current;
        String model = model(ex);
        ModelPrice p = e.prices().find(model);
        if (p != null) {
            return CostCalculator.costUsd(p, usage);
        }
        double max = 0;
        for (String target : e.upstreamModels(model)) {
            ModelPrice tp = e.prices().find(target);
            if (tp != null) {
                max = Math.max(max, CostCalculator.costUsd(tp, usage));
            }
        }
        return max;
    }

    /** The input estimate of one request for one model, so rate limits and budgets tokenize once. */
    private record InputEstimate(String model, io.tollgate.core.model.GatewayRequest request, long tokens) {}

    private static final io.tollgate.core.filter.AttrKey<InputEstimate> INPUT_ESTIMATE = io.tollgate.core.filter.AttrKey.of("metering.input-estimate");

    @Override
    public long inputTokens(Exchange ex) {
        String model = model(ex);
        InputEstimate memo = ex.attr(INPUT_ESTIMATE);
        if (memo != null && memo.model().equals(model) && memo.request() == ex.request() && !ex.request().isModified()) {
            return memo.tokens();
        }
        long tokens = current.estimateInputTokens(ex.request(), model);
        ex.attr(INPUT_ESTIMATE, new InputEstimate(model, ex.request(), tokens));
        return tokens;
    }

    @Override
    public double estimateUsd(Exchange ex) {
        return current.estimateCostUsd(ex.request(), model(ex), inputTokens(ex));
    }

    /** TPM: tokenized input plus the request's output limit (256 when it sets none, as docs/cost-control.md says). */
    @Override
    public long estimateTokens(Exchange ex) {
        return inputTokens(ex) + io.tollgate.core.ratelimit.TokenEstimator.maxOutputTokens(ex);
    }
}
