package io.tollgate.core.routing;

/**
 * USD per 1M tokens for an upstream model, for {@code routing: lowest-cost}. The metering feature
 * owns the price table; the router takes it as this function so it does not depend on it.
 * {@link Double#POSITIVE_INFINITY} (or NaN) means unknown: such targets come last.
 */
@FunctionalInterface
public interface PriceLookup {

    /** Input + output price per 1M tokens of {@code model} at {@code provider}. */
    double pricePerMillion(String provider, String model);

    PriceLookup UNKNOWN = (provider, model) -> Double.POSITIVE_INFINITY;
}
