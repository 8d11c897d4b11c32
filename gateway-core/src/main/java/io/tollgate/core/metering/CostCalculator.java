package io.tollgate.core.metering;

import io.tollgate.core.model.TokenUsage;

/** USD for a request's tokens: each kind of input token at its own rate, so prompt caching is not overbilled. */
public final class CostCalculator {

    private static final double PER_MILLION = 1_000_000d;

    private CostCalculator() {}

    public static double costUsd(ModelPrice price, TokenUsage usage) {
        return (usage.uncachedInputTokens() * price.input()
                + usage.cacheReadTokens() * price.cachedInput()
                + usage.cacheWriteTokens() * price.cacheWrite()
                + usage.outputTokens() * price.output()) / PER_MILLION;
    }

    /** The {@code x-gateway-cost-usd} header value: plain decimal, up to 8 decimals, no exponent. */
    public static String format(double usd) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(usd).setScale(8, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
