package io.tollgate.core.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code keys[i]:} a virtual key clients authenticate with. Give the key's SHA-256 ({@code key-sha256})
 * or the key itself ({@code key}, usually {@code ${VAR}}); it is hashed at load either way.
 *
 * @param id         stable id, used in the ledger, metrics-free
 * @param keySha256  hex SHA-256 of the key
 * @param key        the key in clear (hashed at load, never kept)
 * @param team       a key of {@code teams:}, or null
 * @param models     aliases it may use; empty = all
 * @param limits     RPM/TPM for this key
 * @param budget     a spend cap for this key
 * @param maxCostUsd per-request cost cap
 * @param expires    after this instant the key is refused
 * @param metadata   free-form labels, copied to the principal
 */
public record KeyConfig(String id, @Nullable String keySha256, Secret key, @Nullable String team, List<String> models,
                        LimitsConfig limits, @Nullable BudgetConfig budget, @Nullable Double maxCostUsd,
                        @Nullable Instant expires, Map<String, String> metadata) {

    public KeyConfig {
        if (id == null || id.isBlank()) throw new ConfigException("id", "is required");
        key = Defaults.or(key, Secret.NONE);
        models = Defaults.list(models);
        limits = Defaults.or(limits, LimitsConfig.NONE);
        metadata = Defaults.map(metadata);
        if ((keySha256 == null || keySha256.isBlank()) == key.isEmpty()) {
            throw new ConfigException("key", "give exactly one of key or key-sha256");
        }
        if (keySha256 != null && !keySha256.matches("[0-9a-fA-F]{64}")) {
            throw new ConfigException("key-sha256", keySha256.length() + " characters", "64 hex digits");
        }
        if (maxCostUsd != null && maxCostUsd <= 0) throw new ConfigException("max-cost-usd", maxCostUsd, "> 0");
    }

    @Override
    public String toString() {
        return "KeyConfig[id=" + id + ", team=" + team + "]";
    }
}
