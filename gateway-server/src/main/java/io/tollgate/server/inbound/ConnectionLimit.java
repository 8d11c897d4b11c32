package io.tollgate.server.inbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@code server.max-connections}: counts the client port's open connections ({@code gateway.client.connections}).
 * A connection over the cap is not dropped at accept, which a client sees as a reset it cannot tell from a crash: its
 * first request is answered 503 {@code too_many_connections} with a {@code retry-after}, which SDKs retry, and the
 * connection closes. Health checks on it are answered, so an orchestrator does not restart a gateway for being busy.
 */
public final class ConnectionLimit {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;
    private final GatewayError refusal;

    /** {@code max}: 0 for no cap (the connections are still counted). */
    public ConnectionLimit(int max, MeterRegistry registry) {
        this.max = max;
        Gauge.builder("gateway.client.connections", open, AtomicInteger::get).description("Open client connections")
                .register(registry);
        this.refused = Counter.builder("gateway.client.connections.refused")
                .description("Client connections accepted over server.max-connections (their requests but health checks get 503)").register(registry);
        this.refusal = GatewayError.of(ErrorCode.TOO_MANY_CONNECTIONS, "The gateway holds its most client connections"
                + " (server.max-connections: " + max + "); retry shortly, reusing connections (keep-alive), or on another instance.")
                .withRetryAfter(Duration.ofSeconds(1));
    }

    /** Counts {@code ch} until it closes: null when it is within the cap, else the error its requests get. */
    @Nullable GatewayError admit(Channel ch) {
        int n = open.incrementAndGet();
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        if (max > 0 && n > max) {
            refused.increment();
            return refusal;
        }
        return null;
    }
}
