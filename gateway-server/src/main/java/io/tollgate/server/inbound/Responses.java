package io.tollgate.server.inbound;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import org.jspecify.annotations.Nullable;

/** Writing whole responses: JSON, text and errors in the SPEC envelope. */
public final class Responses {

    private Responses() {}

    public static FullHttpResponse full(int status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    public static FullHttpResponse error(GatewayError error) {
        return error(error, Json.bytes(OpenAiCodec.envelope(error)));
    }

    /** An error answer with {@code body}, the error in a client API's own envelope. */
    public static FullHttpResponse error(GatewayError error, byte[] body) {
        FullHttpResponse r = full(error.status(), "application/json", body);
        String retryAfter = retryAfter(error);
        if (retryAfter != null) {
            r.headers().set("retry-after", retryAfter);
        }
        return r;
    }

    /** The {@code retry-after} value of an error: whole seconds, rounded up, at least 1; null when it has none. */
    static @Nullable String retryAfter(GatewayError error) {
        return error.retryAfter() == null ? null : Long.toString(Math.max(1, (error.retryAfter().toMillis() + 999) / 1000));
    }

    /** Copies core headers onto a Netty response, skipping hop-by-hop and framing headers we own. */
    public static void copy(MutableHeaders from, io.netty.handler.codec.http.HttpHeaders to) {
        from.forEach((name, value) -> {
            if (!isHopByHop(name)) {
                to.set(name, value);
            }
        });
    }

    static boolean isHopByHop(String name) {
        return switch (name.length()) { // by length first: asked for every header of every answer
            case 2 -> name.equalsIgnoreCase("te");
            case 7 -> name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 14 -> name.equalsIgnoreCase("content-length");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }

    /** Writes {@code response}, keeping the connection open if the client wants keep-alive. */
    public static ChannelFuture write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return ctx.writeAndFlush(response);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
