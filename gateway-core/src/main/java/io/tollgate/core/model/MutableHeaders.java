package io.tollgate.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A small ordered header list. Header sets here are tiny (a handful of entries), so a flat array with
 * case-insensitive scans beats a hash map in both allocation and time. Names and values alternate in
 * one array: an exchange's response headers are written when the request arrives and again when the
 * answer does, by which time they have left the CPU's caches, and one array is one miss where two
 * lists and their arrays were four.
 */
public final class MutableHeaders implements Headers {

    private String[] entries = new String[16];   // name, value, name, value, ...
    private int length;                          // used slots: twice the header count

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
        if (length == entries.length) {
            entries = Arrays.copyOf(entries, length * 2);
        }
        entries[length] = name;
        entries[length + 1] = value;
        length += 2;
        return this;
    }

    /** Replaces every value of {@code name} with one value. */
    public MutableHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public MutableHeaders remove(String name) {
        int kept = 0;
        for (int i = 0; i < length; i += 2) {
            if (!entries[i].equalsIgnoreCase(name)) {
                entries[kept] = entries[i];
                entries[kept + 1] = entries[i + 1];
                kept += 2;
            }
        }
        Arrays.fill(entries, kept, length, null);
        length = kept;
        return this;
    }

    @Override
    public @Nullable String get(String name) {
        for (int i = 0; i < length; i += 2) {
            if (entries[i].equalsIgnoreCase(name)) {
                return entries[i + 1];
            }
        }
        return null;
    }

    @Override
    public List<String> getAll(String name) {
        List<String> out = new ArrayList<>(1);
        for (int i = 0; i < length; i += 2) {
            if (entries[i].equalsIgnoreCase(name)) {
                out.add(entries[i + 1]);
            }
        }
        return out;
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < length; i += 2) {
            action.accept(entries[i], entries[i + 1]);
        }
    }

    public int size() {
        return length / 2;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < length; i += 2) {
            String n = entries[i].toLowerCase(Locale.ROOT);
            boolean secret = n.equals("authorization") || n.equals("x-api-key") || n.endsWith("api-key") || n.contains("token");
            sb.append(i == 0 ? "" : ", ").append(entries[i]).append('=').append(secret ? "***" : entries[i + 1]);
        }
        return sb.append('}').toString();
    }
}
