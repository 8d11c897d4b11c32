package io.tollgate.server.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code server.request-read-timeout}: a client has this long from a request's first byte to send all of it, head
 * and body. A client that trickles a request (one header byte every few seconds, a "slowloris") would otherwise
 * hold its connection and buffers until the idle timeout, which only sees silence. Sits before the HTTP decoder,
 * where the first bytes of a request are seen; {@link GatewayHandler} says when a request has arrived whole. On
 * expiry the request is refused with 408 in its turn (after any answer still owed on the connection), which then
 * closes. Connections between requests are the idle timeout's.
 */
final class RequestReadTimer extends ChannelInboundHandlerAdapter {

    private final long timeoutNanos;
    /** When the first byte of the request being read arrived; 0 between requests. */
    private long startedNanos;
    /**
     * Armed by a request's first byte and left to run out rather than cancelled per request: when it fires it
     * re-arms for what is left of the request then in progress, or stops if there is none. One timer per
     * timeout period on a busy keep-alive connection instead of a schedule and a cancel per request.
     */
    private @Nullable ScheduledFuture<?> timer;
    private boolean expired;

    RequestReadTimer(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (startedNanos == 0 && !expired && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            startedNanos = System.nanoTime() | 1;   // never 0
            if (timer == null) {
                timer = ctx.executor().schedule(() -> check(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The request being read arrived whole (or was refused): the next one's first byte starts a new count. */
    void requestRead() {
        startedNanos = 0;
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (startedNanos == 0 || !ctx.channel().isActive()) {
            return;
        }
        long left = timeoutNanos - (System.nanoTime() - startedNanos);
        if (left > 0) {
            timer = ctx.executor().schedule(() -> check(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        expired = true;
        ctx.fireChannelRead(GatewayHandler.Request.refused(null, GatewayError.of(ErrorCode.REQUEST_TIMEOUT,
                "The request did not arrive whole within server.request-read-timeout (" + timeoutNanos / 1_000_000 + " ms).")));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }
}
