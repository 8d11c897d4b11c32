package io.tollgate.core.admin;

import io.tollgate.core.model.Headers;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An authenticated call to {@code /admin/...} (the server checked the admin key).
 *
 * @param method      GET, POST, PUT, PATCH, DELETE
 * @param path        the full path, e.g. {@code /admin/keys/search-backend}
 * @param pathParams  named segments of the route's pattern ({@code /admin/keys/{id}} gives {@code id})
 * @param query       query parameters
 * @param headers     request headers
 * @param body        request body (empty for none)
 */
public record AdminRequest(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                           Headers headers, byte[] body) {

    public @Nullable String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
