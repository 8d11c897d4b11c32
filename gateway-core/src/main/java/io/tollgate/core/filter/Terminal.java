package io.tollgate.core.filter;

/**
 * The end of the chain: the router that picks a target, calls it through the provider adapter and
 * streams the answer into {@code sink} (Zuul's endpoint, Envoy's router filter).
 */
@FunctionalInterface
public interface Terminal {

    /** Must eventually call {@code sink} to finish the request, on {@link Exchange#eventLoop()}. */
    void handle(Exchange ex, ResponseSink sink);
}
