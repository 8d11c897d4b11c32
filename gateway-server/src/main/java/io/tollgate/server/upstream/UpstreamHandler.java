package io.tollgate.server.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of an upstream connection: hands what it reads to the attempt that currently
 * owns the connection. Each {@link HttpContent} is released here, exactly once, after the attempt
 * has copied what it keeps.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private @Nullable Attempt attempt;

    void attach(@Nullable Attempt attempt) {
        this.attempt = attempt;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Attempt a = attempt;
        try {
            if (a == null) {
                return;   // bytes on an idle connection: nobody asked; the server will close it or we will
            }
            if (msg instanceof HttpResponse response) {
                a.onHead(response);
            }
            if (msg instanceof HttpContent content) {
                a.onContent(content.content(), msg instanceof LastHttpContent);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Attempt a = attempt;
        attempt = null;
        if (a != null) {
            a.onClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Attempt a = attempt;
        if (a != null) {
            a.onError(cause);
        }
        ctx.close();
    }
}
