package io.tollgate.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling: the virtual key that authenticated the request.
 *
 * @param keyId    the key's id (never the key itself); {@code "anonymous"} in open mode
 * @param team     the key's team, or null
 * @param models   aliases the key may use; empty means every alias
 * @param metadata free-form key metadata from config or the admin API
 */
public record Principal(String keyId, @Nullable String team, List<String> models, Map<String, String> metadata) {

    public static final Principal ANONYMOUS = new Principal("anonymous", null, List.of(), Map.of());

    public Principal {
        Objects.requireNonNull(keyId, "keyId");
        models = List.copyOf(models); // a key's own immutable list: no copy per request
        metadata = Map.copyOf(metadata);
    }

    public boolean mayUse(String alias) {
        return models.isEmpty() || models.contains(alias) || models.contains("*");
    }

    public boolean isAnonymous() {
        return this == ANONYMOUS || "anonymous".equals(keyId);
    }
}
