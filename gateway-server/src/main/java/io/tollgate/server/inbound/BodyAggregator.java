package io.tollgate.server.inbound;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.server.GatewayRuntime;

/**
 * Aggregates request bodies up to {@code server.max-request-size}; beyond it answers 413 in the
 * SPEC envelope (Netty's own answer has an empty body) and closes, since the rest of the body is
 * still on the wire.
 */
final class BodyAggregator extends HttpObjectAggregator {

    private final long maxBytes;
    private final GatewayRuntime runtime;

    BodyAggregator(long maxBytes, GatewayRuntime runtime) {
        super((int) Math.min(Integer.MAX_VALUE, maxBytes), true);
        this.maxBytes = maxBytes;
        this.runtime = runtime;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        GatewayError error = GatewayError.of(ErrorCode.REQUEST_TOO_LARGE,
                "The request body is larger than this gateway accepts (server.max-request-size = " + maxBytes + " bytes).");
        String path = oversized instanceof HttpRequest request ? new QueryStringDecoder(request.uri()).path() : "";
        NettyHeaders headers = new NettyHeaders(oversized.headers());
        var response = GatewayHandler.apiFor(path) != null ? GatewayHandler.refusal(runtime, path, headers, error)
                : GatewayHandler.errorResponse(runtime, path, headers, error);
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
