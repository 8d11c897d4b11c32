package io.tollgate.core.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks a config value that the gateway will itself call: an absolute http or https URL with a host. */
final class HttpUrl {

    private HttpUrl() {}

    /**
     * Throws a {@link ConfigException} on {@code field} unless {@code value} is such a URL, so that a
     * typo fails at load time rather than at the first call, which for an alert may be weeks later. The
     * message does not repeat the value: webhook URLs (Slack's, Teams') carry their token in the path.
     */
    static void check(String field, String value, String example) {
        if (!isHttp(value)) {
            throw new ConfigException(field, "not an absolute URL with an http or https scheme and a host (expected: an http or https URL such as "
                    + example + ")");
        }
    }

    /** True when {@code value} is an absolute http or https URL with a host. */
    static boolean isHttp(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return false;
        }
        return uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
    }
}
