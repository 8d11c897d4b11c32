package io.tollgate.core.auth;

import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.model.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A virtual key as the gateway knows it: its hash, never the key. From config ({@link Source#CONFIG},
 * read-only through the admin API) or created through {@code POST /admin/keys} ({@link Source#API}, persisted).
 *
 * @param limits     RPM/TPM of this key (read by the rate limiter)
 * @param budget     spend cap of this key, or null (read by budgets)
 * @param maxCostUsd per-request cost cap, or null
 */
public record VirtualKey(String id, byte[] hash, Source source, @Nullable String team, List<String> models,
                         Map<String, String> metadata, LimitsConfig limits, @Nullable BudgetConfig budget,
                         @Nullable Double maxCostUsd, @Nullable Instant expires, @Nullable Instant revoked, Instant created) {

    public enum Source { CONFIG, API }

    public VirtualKey {
        hash = hash.clone();
        models = List.copyOf(models);
        metadata = Map.copyOf(metadata);
        limits = limits == null ? LimitsConfig.NONE : limits;
    }

    static VirtualKey fromConfig(KeyConfig k, Instant loaded) {
        byte[] hash = k.key().isEmpty() ? KeyHash.fromHex(k.keySha256()) : KeyHash.sha256(k.key().value());
        return new VirtualKey(k.id(), hash, Source.CONFIG, k.team(), k.models(), k.metadata(), k.limits(), k.budget(),
                k.maxCostUsd(), k.expires(), null, loaded);
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    byte[] hashUnsafe() {
        return hash;
    }

    /** Accepts requests now: not revoked and not expired. Reads {@code clock} only for a key that expires (most do not). */
    public boolean isActive(Clock clock) {
        return revoked == null && (expires == null || clock.instant().isBefore(expires));
    }

    public Principal principal() {
        return new Principal(id, team, models, metadata);
    }

    /** No hash, no key: safe to log. */
    @Override
    public String toString() {
        return "VirtualKey[id=" + id + ", source=" + source + ", team=" + team + ", revoked=" + (revoked != null) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtualKey v && v.id.equals(id) && java.util.Arrays.equals(v.hash, hash) && v.source == source
                && java.util.Objects.equals(v.team, team) && v.models.equals(models) && v.metadata.equals(metadata)
                && v.limits.equals(limits) && java.util.Objects.equals(v.budget, budget)
                && java.util.Objects.equals(v.maxCostUsd, maxCostUsd) && java.util.Objects.equals(v.expires, expires)
                && java.util.Objects.equals(v.revoked, revoked) && v.created.equals(created);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
