package io.tollgate.core.upstream;

import io.tollgate.core.model.MutableHeaders;
import java.net.URI;
import java.util.Objects;

/**
 * One HTTP request to a vendor, as an adapter built it: absolute URI, headers (credentials
 * included: never log them), body bytes.
 */
public record UpstreamRequest(String method, URI uri, MutableHeaders headers, byte[] body) {

    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("uri: " + uri + " (expected: an absolute http or https URI)");
        }
    }

    public static UpstreamRequest post(URI uri, MutableHeaders headers, byte[] body) {
        return new UpstreamRequest("POST", uri, headers, body);
    }

    @Override
    public String toString() {
        return method + " " + uri + " " + headers;   // MutableHeaders masks credentials
    }
}
