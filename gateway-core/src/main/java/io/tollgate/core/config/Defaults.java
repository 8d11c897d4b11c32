package io.tollgate.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Null-to-default helpers for the compact constructors of config records. */
final class Defaults {

    private Defaults() {}

    static <T> T or(@Nullable T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** An unmodifiable copy that keeps the file's order (providers and models are listed in it). */
    static <V> Map<String, V> map(@Nullable Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <T> List<T> list(@Nullable List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
