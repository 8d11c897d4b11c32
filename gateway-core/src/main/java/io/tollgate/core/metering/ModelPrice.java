package io.tollgate.core.metering;

import io.tollgate.core.config.PriceConfig;

/**
 * What one model costs, in USD per 1M tokens.
 *
 * @param input       plain (uncached) input
 * @param output      output, reasoning included
 * @param cachedInput input read from the vendor's prompt cache
 * @param cacheWrite  input written to the vendor's prompt cache
 */
public record ModelPrice(double input, double output, double cachedInput, double cacheWrite) {

    public ModelPrice {
        if (input < 0 || output < 0 || cachedInput < 0 || cacheWrite < 0) {
            throw new IllegalArgumentException("prices must be >= 0");
        }
    }

    /** A config override; cache rates default to the input rate, as the config docs say. */
    public static ModelPrice of(PriceConfig c) {
        return new ModelPrice(c.input(), c.output(),
                c.cachedInput() == null ? c.input() : c.cachedInput(),
                c.cacheWrite() == null ? c.input() : c.cacheWrite());
    }
}
