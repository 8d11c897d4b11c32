package io.tollgate.server.upstream;

import java.net.URI;

/** Where a pooled connection goes: scheme, host and port. */
record Origin(boolean tls, String host, int port) {

    static Origin of(URI uri) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() != -1 ? uri.getPort() : (tls ? 443 : 80);
        return new Origin(tls, uri.getHost(), port);
    }

    /** The Host header value: the port only when it is not the scheme's default. */
    String hostHeader() {
        return (tls && port == 443) || (!tls && port == 80) ? host : host + ":" + port;
    }
}
