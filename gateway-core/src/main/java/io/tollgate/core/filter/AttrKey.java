package io.tollgate.core.filter;

import java.util.Objects;

/**
 * A typed key for facts one filter leaves for another ({@code AttrKey.of("cache.key")}). Identity
 * based: two keys with the same name are different keys. Declare each once, in the producing package.
 */
public final class AttrKey<T> {

    private final String name;

    private AttrKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public static <T> AttrKey<T> of(String name) {
        return new AttrKey<>(name);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "AttrKey(" + name + ")";
    }
}
