package io.tollgate.server.inbound;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.server.GatewayRuntime;

/**
 * Aggregates request bodies up to {@code server.max-request-size}; beyond it answers 413 in the
 * SPEC envelope (Netty's own answer has an empty body) and closes, since the rest of the body is
 * still on the wire. A request that asks {@code Expect: 100-continue} (curl does for larger bodies) gets
 * {@code 100 Continue}, or the same 413 before it sends a body too large, or 417 for an expectation HTTP
 * does not define, also in the envelope, and the connection closes.
 */
final class BodyAggregator extends HttpObjectAggregator {

    private final long maxBytes;
    private final GatewayRuntime runtime;
    private final boolean answersCors;

    /** {@code answersCors}: refusals carry CORS headers (the client port; the management port never does). */
    BodyAggregator(long maxBytes, GatewayRuntime runtime, boolean answersCors) {
        super((int) Math.min(Integer.MAX_VALUE, maxBytes), true);
        this.maxBytes = maxBytes;
        this.runtime = runtime;
        this.answersCors = answersCors;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(refusal(oversized, tooLarge())).addListener(ChannelFutureListener.CLOSE);
    }

    /** Netty's refusals of an expectation (413, 417) have empty bodies: the same answers in the envelope. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof HttpResponse refused) || refused.status().code() < 400) {
            return answer;   // null (nothing expected) or 100 Continue
        }
        int status = refused.status().code();
        ReferenceCountUtil.release(answer);
        GatewayError error = status == 413 ? tooLarge()
                : new GatewayError(status, ErrorCode.INVALID_REQUEST.code(), ErrorCode.INVALID_REQUEST.type(),
                        "Unsupported Expect header (expected: 100-continue).", null, FailureClass.NONE, null);
        return refusal(start, error);   // a client error: the aggregator closes the connection after it
    }

    private GatewayError tooLarge() {
        return GatewayError.of(ErrorCode.REQUEST_TOO_LARGE,
                "The request body is larger than this gateway accepts (server.max-request-size = " + maxBytes + " bytes).");
    }

    private FullHttpResponse refusal(HttpMessage request, GatewayError error) {
        String path = request instanceof HttpRequest r ? new QueryStringDecoder(GatewayHandler.originForm(r.uri())).path() : "";
        NettyHeaders headers = new NettyHeaders(request.headers());
        FullHttpResponse response = GatewayHandler.apiFor(path) != null ? GatewayHandler.refusal(runtime, path, headers, error)
                : GatewayHandler.errorResponse(runtime, path, headers, error);
        if (answersCors) {
            Cors.addTo(runtime.current().config().server().cors(), headers, response.headers()::set);
        }
        HttpUtil.setKeepAlive(response, false);
        return response;
    }
}
