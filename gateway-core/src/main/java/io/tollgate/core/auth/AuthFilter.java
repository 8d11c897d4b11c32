package io.tollgate.core.auth;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.AttrKey;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Principal;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates the virtual key in {@code Authorization: Bearer <key>} or {@code x-api-key}; sets the
 * principal. Missing, unknown, expired or revoked keys get 401 {@code invalid_api_key} (the same answer for
 * each, so a caller cannot probe which keys exist). In {@code auth.mode: open} every request is
 * {@link Principal#ANONYMOUS}.
 */
public final class AuthFilter implements GatewayFilter {

    /**
     * The key that authenticated the request, for the filters that enforce its limits, budget and
     * cost cap: config keys and keys created through the admin API alike.
     */
    public static final AttrKey<VirtualKey> VIRTUAL_KEY = AttrKey.inherited("auth.key");


    private final @Nullable KeyStore keys;

    private AuthFilter(@Nullable KeyStore keys) {
        this.keys = keys;
    }

    public static AuthFilter keys(KeyStore keys) {
        return new AuthFilter(keys);
    }

    public static AuthFilter open() {
        return new AuthFilter(null);
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        if (keys == null) {
            ex.principal(Principal.ANONYMOUS);
            return FilterDecision.proceed();
        }
        VirtualKey k = keys.authenticate(presentedKey(ex.requestHeaders()));
        if (k == null) {
            return FilterDecision.reject(GatewayError.invalidApiKey());
        }
        ex.principal(k.principal());
        ex.attr(VIRTUAL_KEY, k);
        return FilterDecision.proceed();
    }

    @Override
    public @Nullable GatewayError checkHeaders(Headers requestHeaders) {
        return keys == null || keys.authenticate(presentedKey(requestHeaders)) != null ? null : GatewayError.invalidApiKey();
    }

    /** The bearer token, else {@code x-api-key}; null if neither. */
    static @Nullable String presentedKey(Headers headers) {
        String auth = headers.get("authorization");
        if (auth != null && auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String apiKey = headers.get("x-api-key");
        return apiKey == null ? null : apiKey.trim();
    }
}
