package io.tollgate.core.config;

import org.jspecify.annotations.Nullable;

/** A provider's {@code base-url}: the API root its adapter appends paths to. */
public final class BaseUrl {

    private BaseUrl() {}

    /** {@link #orDefault(String, String, String)} with the default as the example a bad value's error names. */
    public static String orDefault(@Nullable String configured, String fallback) {
        return orDefault(configured, fallback, fallback);
    }

    /**
     * {@code configured}, stripped and without a trailing slash (adapters append {@code /path}), or {@code fallback}
     * when it is blank. Anything but an absolute http or https URL with a host is a {@link ConfigException} on
     * {@code base-url}: a typo fails at load time, not at the first call.
     */
    public static String orDefault(@Nullable String configured, String fallback, String example) {
        if (configured == null || configured.isBlank()) {
            return fallback;
        }
        String url = configured.strip();
        if (!HttpUrl.isHttp(url)) {
            throw new ConfigException("base-url", url, "an http(s) URL such as " + example);
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
