package io.tollgate.server.inbound;

import io.netty.handler.codec.http.HttpHeaders;
import io.tollgate.core.model.Headers;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** Netty's headers seen through the core's read-only {@link Headers}, without copying. */
public record NettyHeaders(HttpHeaders headers) implements Headers {

    @Override
    public @Nullable String get(String name) {
        return headers.get(name);
    }

    @Override
    public List<String> getAll(String name) {
        return headers.getAll(name);
    }

    @Override
    public void forEach(BiConsumer<String, String> action) {
        for (Map.Entry<String, String> e : headers) {
            action.accept(e.getKey(), e.getValue());
        }
    }
}
