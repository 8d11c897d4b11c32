package io.tollgate.core.config;

import org.jspecify.annotations.Nullable;

/**
 * {@code limits:} requests and tokens per minute; null means unlimited.
 */
public record LimitsConfig(@Nullable Integer rpm, @Nullable Integer tpm) {

    public static final LimitsConfig NONE = new LimitsConfig(null, null);

    public LimitsConfig {
        if (rpm != null && rpm < 1) throw new ConfigException("rpm", rpm, ">= 1, or leave it out for no limit");
        if (tpm != null && tpm < 1) throw new ConfigException("tpm", tpm, ">= 1, or leave it out for no limit");
    }

    public boolean isEmpty() {
        return rpm == null && tpm == null;
    }
}
