package io.tollgate.core.filter;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.RequestRecord;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One request on its way through the gateway. Created by the server and confined to one event
 * loop: filters, hooks and the router all run there, so nothing here is synchronized.
 */
public interface Exchange {

    String requestId();

    ApiKind api();

    /** {@link Principal#ANONYMOUS} until the auth filter sets it. */
    Principal principal();

    void principal(Principal principal);

    /** The canonical body, parsed once. */
    GatewayRequest request();

    /** Replaces the body (prompt injection builds a new one). */
    void request(GatewayRequest rewritten);

    /** The client's request headers, read-only. */
    Headers requestHeaders();

    /** Headers added to the client's response ({@code x-gateway-*}, {@code x-ratelimit-*}). */
    MutableHeaders responseHeaders();

    default void responseHeader(String name, String value) {
        responseHeaders().set(name, value);
    }

    <T> @Nullable T attr(AttrKey<T> key);

    <T> void attr(AttrKey<T> key, @Nullable T value);

    /** What happened, for meters and the ledger. */
    RequestRecord record();

    /** The request's event loop, as a plain executor (a Netty EventLoop is one; no Netty type leaks). */
    Executor eventLoop();

    Ticker ticker();

    /** True once the client went away; the chain and router stop work they can stop. */
    boolean isCancelled();

    /** Runs {@code action} on the event loop when the client goes away (at once if it already has). */
    void onCancel(Runnable action);

    /**
     * Ends the request now with {@code error}, from a response hook that must stop an answer in
     * flight (a stream crossing its cost cap, from {@code onChunk}; an answer an output guardrail
     * refuses, from {@code onResponse}). The chain fails the response (an SSE error event
     * once a stream has started; hooks hear {@code onComplete} with the error) and then runs the
     * {@link #onCancel} actions so the router cancels its upstream call; from then on
     * {@link #isCancelled()} is true (work should stop) although the client is still connected and
     * receives the error. Later calls, and calls after the client left, are ignored. Call on the
     * event loop; it runs synchronously, so a hook calling it from {@code onChunk} should return null.
     */
    default void abort(io.tollgate.core.error.GatewayError error) {
        throw new UnsupportedOperationException("this exchange cannot abort");
    }

    /** Registers what {@link #abort} does; the {@link FilterChain} sets it for each request it runs. */
    default void onAbort(java.util.function.Consumer<io.tollgate.core.error.GatewayError> action) {}
}
