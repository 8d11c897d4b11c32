package io.tollgate.server.upstream;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Idle keep-alive connections, one pool per event loop and origin. A connection is only ever used
 * by the loop that opened it, so the pool needs no locks and no request hops threads.
 */
final class ConnectionPool {

    /** Idle connections kept per origin per loop; more are closed when released. */
    private static final int MAX_IDLE = 512;

    private final FastThreadLocal<Map<Origin, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<Origin, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    /** An open idle connection to {@code origin}, most recently used first, or null. */
    @Nullable Channel poll(Origin origin) {
        ArrayDeque<Channel> q = idle.get().get(origin);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollFirst()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    void release(Origin origin, Channel ch) {
        ArrayDeque<Channel> q = idle.get().computeIfAbsent(origin, o -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE || !ch.isActive()) {
            ch.close();
            return;
        }
        q.addFirst(ch);
    }
}
