package io.tollgate.server.upstream;

import java.net.URI;

/**
 * What an upstream URI means on the wire: the pooled connection's origin, the {@code Host} header and
 * the request line's target. Adapters reuse a handful of URIs, so the transport keeps these per URI
 * instead of taking each URI apart again on every request.
 */
record RequestTarget(Origin origin, String hostHeader, String pathAndQuery) {

    static RequestTarget of(URI uri) {
        Origin origin = Origin.of(uri);
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        return new RequestTarget(origin, origin.hostHeader(),
                (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query));
    }
}
