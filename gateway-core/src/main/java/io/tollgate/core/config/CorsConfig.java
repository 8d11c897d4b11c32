package io.tollgate.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code server.cors:} lets web pages on other origins call the gateway from a browser (CORS). Off while
 * {@code allow-origins} is empty: no CORS header is sent, and a preflight gets a 403 naming this setting.
 *
 * @param allowOrigins origins a browser may call from: exact ({@code https://app.example.com}, with the port
 *                     when it is not the scheme's), {@code https://*.example.com} for its subdomains, or
 *                     {@code *} for any
 * @param maxAge       how long a browser may reuse a preflight's answer
 */
public record CorsConfig(List<String> allowOrigins, Duration maxAge) {

    public static final CorsConfig DEFAULT = new CorsConfig(null, null);

    /**
     * scheme://host[:port], the host optionally starting with {@code *.}; no path, no trailing slash. Any
     * scheme: app shells send their own ({@code capacitor://localhost}, {@code chrome-extension://<id>}).
     */
    private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://((\\*\\.)?[a-z0-9_.-]+|\\[[0-9a-f:.]+])(:[0-9]{1,5})?");

    public CorsConfig {
        allowOrigins = Defaults.list(allowOrigins).stream().map(o -> o.strip().toLowerCase(Locale.ROOT)).toList();
        maxAge = Defaults.or(maxAge, Duration.ofMinutes(10));
        for (String origin : allowOrigins) {
            if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
                throw new ConfigException("allow-origins", "'" + origin
                        + "' (expected: an origin such as https://app.example.com, https://*.example.com, or *)");
            }
        }
        if (maxAge.isNegative()) throw new ConfigException("max-age", maxAge, ">= 0");
    }

    public boolean enabled() {
        return !allowOrigins.isEmpty();
    }

    /** True when any origin is allowed ({@code *}): answers then say {@code *} instead of echoing the origin. */
    public boolean anyOrigin() {
        return allowOrigins.contains("*");
    }

    /** Whether a browser page on {@code origin} (an {@code Origin} header's value) may call the gateway. */
    public boolean allows(String origin) {
        if (anyOrigin()) {
            return true;
        }
        for (String allowed : allowOrigins) {   // lower case already; compared in place, no copy per request
            int star = allowed.indexOf("*.");
            if (star < 0) {
                if (origin.equalsIgnoreCase(allowed)) {
                    return true;
                }
                continue;
            }
            int suffix = allowed.length() - star - 1;   // ".example.com[:port]"
            if (origin.length() > star + suffix   // at least one label before the suffix
                    && origin.regionMatches(true, 0, allowed, 0, star)
                    && origin.regionMatches(true, origin.length() - suffix, allowed, star + 1, suffix)) {
                return true;
            }
        }
        return false;
    }
}
