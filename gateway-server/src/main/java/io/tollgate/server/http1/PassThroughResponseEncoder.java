package io.tollgate.server.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's HTTP/1.1 response encoder, except that a {@link ByteBuf} written between responses goes
 * through as it is: an {@link Http1Message}, already encoded (Netty's encoder refuses a non-empty buffer
 * there). Streams, errors and admin answers are still Netty messages, encoded here.
 *
 * <p>Paired with a plain request decoder, not {@code HttpServerCodec}: that codec queues each request's
 * method for its encoder, and the pre-encoded answers would never take theirs off. What the queue is for,
 * a bodiless answer to HEAD, the gateway does itself (it serves no HEAD: 405, headers only).
 */
public final class PassThroughResponseEncoder extends HttpResponseEncoder {

    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
    }
}
