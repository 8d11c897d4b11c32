package io.tollgate.core.cache;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The client's {@code x-gateway-cache} header: {@code no-cache} (skip the lookup, still store),
 * {@code no-store} (may be served from the cache, the answer is not stored), {@code ttl=<seconds>}
 * (store for that long); comma-separated to combine.
 */
record CacheDirectives(boolean noCache, boolean noStore, @Nullable Duration ttl) {

    static final String HEADER = io.tollgate.core.routing.ModelRouter.CACHE_HEADER;
    static final CacheDirectives NONE = new CacheDirectives(false, false, null);

    static CacheDirectives parse(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        boolean noCache = false;
        boolean noStore = false;
        Duration ttl = null;
        for (String raw : header.split(",")) {
            String d = raw.trim().toLowerCase(java.util.Locale.ROOT);
            if (d.equals("no-cache")) {
                noCache = true;
            } else if (d.equals("no-store")) {
                noStore = true;
            } else if (d.startsWith("ttl=") && d.substring(4).matches("\\d{1,9}") && Long.parseLong(d.substring(4)) > 0) {
                ttl = Duration.ofSeconds(Long.parseLong(d.substring(4)));
            } else {
                throw new GatewayException(GatewayError.invalidRequest("Header x-gateway-cache: unknown directive '" + raw.trim()
                        + "' (expected no-cache, no-store or ttl=<seconds>).", HEADER));
            }
        }
        return new CacheDirectives(noCache, noStore, ttl);
    }
}
