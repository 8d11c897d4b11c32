package io.tollgate.core.budget;

import io.tollgate.core.filter.Exchange;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.ratelimit.TokenEstimator;

/**
 * Seam: what a request will cost, reserved against budgets before the call, and what a stream has
 * cost so far (to stop it at its cap). The budget factory takes the one in
 * {@code services.shared(CostEstimator.class, ...)}; register one backed by metering's price table
 * and token estimator before the chain is built, or {@link #DEFAULT} (a flat, deliberately high
 * price) is used.
 */
public interface CostEstimator {

    /** USD for {@code usage} on the model this exchange is going to (or went to). */
    double costUsd(Exchange ex, TokenUsage usage);

    /** Input tokens of the request before the call. */
    default long inputTokens(Exchange ex) {
        return ex.request().bytes().length / 4;
    }

    /** What the whole request is expected to cost: input plus its max output. */
    default double estimateUsd(Exchange ex) {
        return costUsd(ex, TokenUsage.of(inputTokens(ex), TokenEstimator.maxOutputTokens(ex)));
    }

    /** A flat price in USD per million input and output tokens. */
    static CostEstimator flat(double inputPerMillion, double outputPerMillion) {
        return (ex, u) -> (u.inputTokens() * inputPerMillion + u.outputTokens() * outputPerMillion) / 1_000_000d;
    }

    /** Until metering is wired in: priced like a large frontier model, so budgets err on the safe side. */
    CostEstimator DEFAULT = flat(5.0, 15.0);
}
