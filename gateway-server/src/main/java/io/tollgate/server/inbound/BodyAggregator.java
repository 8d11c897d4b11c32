package io.tollgate.server.inbound;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import org.jspecify.annotations.Nullable;

/**
 * Aggregates request bodies up to {@code server.max-request-size}; beyond it the request is refused with 413 in the
 * SPEC envelope (Netty's own answer has an empty body), and the connection closes after it, since the rest of the
 * body is still on the wire. A request that asks {@code Expect: 100-continue} (curl does for larger bodies) gets
 * {@code 100 Continue}, or the same 413 before it sends a body too large, or 417 for an expectation HTTP does not
 * define. Refusals go to {@link GatewayHandler} as {@link GatewayHandler.Request#refused refused requests}, so a
 * request pipelined before the refused one is still answered first; reading stops until the connection closes.
 */
final class BodyAggregator extends HttpObjectAggregator {

    private final long maxBytes;

    BodyAggregator(long maxBytes) {
        super((int) Math.min(Integer.MAX_VALUE, maxBytes), true);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        refuse(ctx, oversized, GatewayError.of(ErrorCode.REQUEST_TOO_LARGE,
                "The request body is larger than this gateway accepts (server.max-request-size = " + maxBytes + " bytes)."));
    }

    /** Netty's refusals of an expectation (413, 417) are written here, before a pipelined request's answer: refused in turn instead. */
    @Override
    protected @Nullable Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof HttpResponse refused) || refused.status().code() < 400) {
            return answer;   // null (nothing expected) or 100 Continue
        }
        int status = refused.status().code();
        ReferenceCountUtil.release(answer);
        if (status == 413) {
            return null;   // the aggregator then finds the announced length too large: handleOversizedMessage
        }
        refuse(pipeline.context(this), start, new GatewayError(status, ErrorCode.INVALID_REQUEST.code(), ErrorCode.INVALID_REQUEST.type(),
                "Unsupported Expect header (expected: 100-continue).", null, FailureClass.NONE, null));
        return null;
    }

    private static void refuse(ChannelHandlerContext ctx, HttpMessage message, GatewayError error) {
        ctx.fireChannelRead(GatewayHandler.Request.refused(message instanceof HttpRequest r ? r : null, error));
    }
}
