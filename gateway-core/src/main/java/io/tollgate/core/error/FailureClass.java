package io.tollgate.core.error;

/**
 * Why an upstream attempt failed, in the terms routing's {@code fallback-on} uses. Provider adapters
 * classify vendor errors into these, so no code outside an adapter looks at vendor error bodies.
 */
public enum FailureClass {
    /** 429 and vendor equivalents (Anthropic 529 overloaded counts as {@link #SERVER_ERROR}). */
    RATE_LIMIT("rate-limit"),
    /** 5xx, overloaded. */
    SERVER_ERROR("server-error"),
    /** Connect, first-byte, idle or total timeout. */
    TIMEOUT("timeout"),
    /** Connection refused or reset, TLS failure. */
    CONNECTION("connection"),
    /** The prompt does not fit the model's context window. */
    CONTEXT_LENGTH("context-length"),
    /** Auth with the vendor failed (a gateway misconfiguration: another target may still work). */
    AUTH("auth"),
    /** The request itself is wrong; retrying elsewhere will not help. */
    CLIENT_ERROR("client-error"),
    /** Not an upstream failure (rejected by a filter, internal). */
    NONE("none");

    private final String configName;

    FailureClass(String configName) {
        this.configName = configName;
    }

    /** The name used in {@code fallback-on} lists. */
    public String configName() {
        return configName;
    }
}
