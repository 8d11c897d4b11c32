package io.tollgate.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A small ordered header list. Header sets here are tiny (a handful of entries), so a flat list with
 * case-insensitive scans beats a hash map in both allocation and time.
 */
public final class MutableHeaders implements Headers {

    private final List<String> names = new ArrayList<>(8);
    private final List<String> values = new ArrayList<>(8);

    public static MutableHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues: odd length " + namesAndValues.length + " (expected: name, value pairs)");
        }
        MutableHeaders h = new MutableHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    public static MutableHeaders copyOf(Headers other) {
        MutableHeaders h = new MutableHeaders();
        other.forEach(h::add);
        return h;
    }

    public MutableHeaders add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces every value of {@code name} with one value. */
    public MutableHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public MutableHeaders remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
        return this;
    }

    @Override
    public @Nullable String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    @Override
    public List<String> getAll(String name) {
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                out.add(values.get(i));
            }
        }
        return out;
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.size(); i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    public int size() {
        return names.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).toLowerCase(Locale.ROOT);
            boolean secret = n.equals("authorization") || n.equals("x-api-key") || n.endsWith("api-key") || n.contains("token");
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(secret ? "***" : values.get(i));
        }
        return sb.append('}').toString();
    }
}
