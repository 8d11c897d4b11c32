package io.tollgate.core.model;

import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Read-only, case-insensitive HTTP headers. The server adapts Netty's headers to this without
 * copying; {@link MutableHeaders} is the core's own implementation.
 */
public interface Headers {

    Headers EMPTY = MutableHeaders.of();

    /** The first value of {@code name}, or null. Names are case-insensitive. */
    @Nullable String get(String name);

    List<String> getAll(String name);

    /** Every name/value pair, names as received. */
    void forEach(BiConsumer<String, String> action);

    default boolean contains(String name) {
        return get(name) != null;
    }
}
