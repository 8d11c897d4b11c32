package io.tollgate.core.filter;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a request through the gateway itself on behalf of the request being served: the semantic
 * cache embeds the question this way, through an embeddings alias. The internal request is made as
 * the caller (same key, team, user and cost-allocation tags), passes the {@link #INTERNAL_FILTERS}
 * and the router of the current config, and ends like any request: its own ledger row and request
 * meters, so what it cost is on the caller's bill and in their budgets.
 */
public interface GatewayClient {

    /**
     * The filters an internal request passes: budgets (its spend counts) and metering (it is priced).
     * Not auth (the caller is already known), prompts, model access (the operator chose the alias, not
     * the caller), rate limits (the caller's request was counted once; this is not a client request),
     * nor the cache (it serves client requests, and must not look itself up).
     */
    Set<String> INTERNAL_FILTERS = Set.of("budget", "metering");

    /**
     * Sends {@code request} on behalf of {@code parent}; call on {@code parent}'s event loop. Completes
     * on that event loop with the successful unary answer, or exceptionally with a
     * {@link GatewayException}: the upstream's error, {@code upstream_timeout} after {@code timeout}
     * (the call is then stopped), or a cancellation when {@code parent}'s client goes away.
     *
     * @param purpose a short token for the internal request's id: {@code <parent id>:<purpose>}
     */
    CompletableFuture<GatewayResponse> send(Exchange parent, GatewayRequest request, String purpose, Duration timeout);

    /** Without a server (gateway-core used alone): every call fails at once. */
    GatewayClient UNAVAILABLE = (parent, request, purpose, timeout) -> CompletableFuture.failedFuture(
            new GatewayException(GatewayError.internal("the gateway client (no server provides one)")));
}
