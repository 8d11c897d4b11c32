package io.tollgate.core.config;

/**
 * {@code models.<alias>.targets[i]:} one place an alias can be served.
 *
 * @param provider a key of {@code providers:}
 * @param model    the upstream model name sent to that provider
 * @param weight   share of traffic under weighted routing
 */
public record TargetConfig(String provider, String model, Integer weight) {

    public TargetConfig {
        if (provider == null || provider.isBlank()) throw new ConfigException("provider", "is required");
        if (model == null || model.isBlank()) throw new ConfigException("model", "is required");
        weight = Defaults.or(weight, 1);
        if (weight < 0) throw new ConfigException("weight", weight, ">= 0");
    }
}
