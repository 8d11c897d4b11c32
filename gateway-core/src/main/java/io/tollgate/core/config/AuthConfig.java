package io.tollgate.core.config;

/**
 * {@code auth:} how clients authenticate.
 *
 * @param mode     {@code keys} (virtual keys required) or {@code open} (no keys; loopback only unless server.host is set)
 * @param adminKey the key for {@code /admin/*}; the admin API is off while it is empty
 */
public record AuthConfig(Mode mode, Secret adminKey) {

    public enum Mode { KEYS, OPEN }

    public static final AuthConfig DEFAULT = new AuthConfig(null, null);

    public AuthConfig {
        mode = Defaults.or(mode, Mode.KEYS);
        adminKey = Defaults.or(adminKey, Secret.NONE);
    }
}
