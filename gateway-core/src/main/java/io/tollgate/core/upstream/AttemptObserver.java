package io.tollgate.core.upstream;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.AttrKey;
import io.tollgate.core.filter.Exchange;
import org.jspecify.annotations.Nullable;

/**
 * Watches the upstream attempts of one request (tracing: one client span per attempt, and the
 * {@code traceparent} the upstream receives). A filter sets it on the exchange under {@link #KEY};
 * the router tells it about every attempt, over the network or in-process, retries and fallbacks
 * included. Requests the gateway makes on the caller's behalf inherit it. Runs on the event loop:
 * cheap, never blocking, never throwing.
 */
public interface AttemptObserver {

    AttrKey<AttemptObserver> KEY = AttrKey.inherited("upstream.attempt-observer");

    /**
     * Attempt number {@code ex.record().attempts()} to {@code ex.record().provider()} /
     * {@code upstreamModel()} is about to be sent as {@code request}; its headers may still be added
     * to. Returns what hears the attempt's end.
     */
    AttemptEnd attemptStarted(Exchange ex, UpstreamRequest request);

    /** The end of one attempt; called exactly once. */
    @FunctionalInterface
    interface AttemptEnd {

        /**
         * @param status  the upstream's HTTP status, 0 if none arrived
         * @param outcome as in {@code gateway_upstream_attempts_total}: success, rate_limited, timeout,
         *                connection, client_error, auth_error, error, or cancelled (the client left)
         * @param error   why it failed; null on success and on cancel
         */
        void attemptEnded(int status, String outcome, @Nullable GatewayError error);
    }
}
