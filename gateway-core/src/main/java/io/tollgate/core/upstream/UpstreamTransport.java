package io.tollgate.core.upstream;

import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.filter.Exchange;

/**
 * Sends HTTP requests upstream. The server implements it with Netty (pooled keep-alive connections
 * on the request's own event loop); the mock provider implements it in-process.
 */
@FunctionalInterface
public interface UpstreamTransport {

    /**
     * Starts one attempt for {@code ex}. Timeouts are enforced by the transport and reported as
     * {@link UpstreamFailure}s; every listener callback runs on {@link Exchange#eventLoop()}.
     */
    UpstreamCall send(Exchange ex, UpstreamRequest request, TimeoutConfig timeouts, UpstreamListener listener);
}
