package io.tollgate.core.routing;

import io.tollgate.core.config.TargetConfig;
import io.tollgate.core.provider.ProviderAdapter;

/** One target of an alias in one config version: its adapter, settings and (process-wide) state. */
public record Target(int index, TargetConfig config, ProviderAdapter adapter, TargetState state) {

    public String provider() {
        return config.provider();
    }

    public String model() {
        return config.model();
    }

    public int weight() {
        return config.weight();
    }

    @Override
    public String toString() {
        return provider() + "/" + model();
    }
}
