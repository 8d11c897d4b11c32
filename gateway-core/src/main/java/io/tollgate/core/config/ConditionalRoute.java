package io.tollgate.core.config;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code models.<alias>.routes[i]:} sends matching requests to another alias, e.g. a team to a cheaper
 * model. Every condition given must hold; the first matching rule wins.
 *
 * @param to       the alias to serve the request with
 * @param team     the calling key's team
 * @param key      the calling key's id
 * @param headers  request headers that must have these values
 * @param metadata cost-allocation tags ({@code x-gateway-tags}, body {@code metadata}) that must have these values
 */
public record ConditionalRoute(String to, @Nullable String team, @Nullable String key, Map<String, String> headers,
                               Map<String, String> metadata) {

    public ConditionalRoute {
        if (to == null || to.isBlank()) throw new ConfigException("to", "is required: the alias matching requests go to");
        headers = Defaults.map(headers);
        metadata = Defaults.map(metadata);
        if (team == null && key == null && headers.isEmpty() && metadata.isEmpty()) {
            throw new ConfigException("to", "a route needs at least one condition: team, key, headers or metadata");
        }
    }
}
