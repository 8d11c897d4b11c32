package io.tollgate.core.config;

import java.util.Objects;

/**
 * A credential from config (a vendor key, the admin key). {@link #toString()} never shows it, so a
 * secret logged or printed by accident stays secret.
 */
public record Secret(String value) {

    public static final Secret NONE = new Secret("");

    public Secret {
        Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value);
    }

    public boolean isEmpty() {
        return value.isBlank();
    }

    @Override
    public String toString() {
        return isEmpty() ? "(empty)" : "***";
    }
}
