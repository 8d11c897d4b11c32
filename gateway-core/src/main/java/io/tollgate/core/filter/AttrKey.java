package io.tollgate.core.filter;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A typed key for facts one filter leaves for another ({@code AttrKey.of("cache.key")}). Identity
 * based: two keys with the same name are different keys. Declare each once, in the producing package.
 */
public final class AttrKey<T> {

    private static final List<AttrKey<?>> INHERITED = new CopyOnWriteArrayList<>();

    private final String name;

    private AttrKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public static <T> AttrKey<T> of(String name) {
        return new AttrKey<>(name);
    }

    /**
     * A key for a fact about who is asking (the authenticated key), which a request the gateway makes
     * on the caller's behalf ({@link GatewayClient}) carries over so budgets apply to it alike.
     */
    public static <T> AttrKey<T> inherited(String name) {
        AttrKey<T> key = new AttrKey<>(name);
        INHERITED.add(key);
        return key;
    }

    /** The keys declared with {@link #inherited}. */
    static List<AttrKey<?>> inheritedKeys() {
        return INHERITED;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "AttrKey(" + name + ")";
    }
}
