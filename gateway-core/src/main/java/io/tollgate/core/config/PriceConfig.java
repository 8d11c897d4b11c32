package io.tollgate.core.config;

import org.jspecify.annotations.Nullable;

/**
 * {@code pricing.<model>:} USD per 1M tokens; overrides the built-in price table.
 *
 * @param input       plain (uncached) input
 * @param output      output (reasoning included)
 * @param cachedInput input read from the vendor's prompt cache; default = input
 * @param cacheWrite  input written to the prompt cache; default = input
 */
public record PriceConfig(Double input, Double output, @Nullable Double cachedInput, @Nullable Double cacheWrite) {

    public PriceConfig {
        if (input == null || input < 0) throw new ConfigException("input", input, "a price >= 0 in USD per 1M tokens");
        if (output == null || output < 0) throw new ConfigException("output", output, "a price >= 0 in USD per 1M tokens");
        if (cachedInput != null && cachedInput < 0) throw new ConfigException("cached-input", cachedInput, ">= 0");
        if (cacheWrite != null && cacheWrite < 0) throw new ConfigException("cache-write", cacheWrite, ">= 0");
    }
}
