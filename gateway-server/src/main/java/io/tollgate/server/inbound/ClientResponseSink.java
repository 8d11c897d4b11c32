package io.tollgate.server.inbound;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.tollgate.core.api.ResponseEncoder;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.server.http1.Http1Message;
import org.jspecify.annotations.Nullable;

/**
 * The last stop of an answer: encodes it in the client's format and writes it to the client's
 * channel. Streams are written chunk by chunk as they arrive, each flushed, so nothing is buffered
 * beyond the socket; the router reads upstream only while {@link #isWritable()}.
 */
final class ClientResponseSink implements ResponseSink {

    private final ChannelHandlerContext ctx;
    private final Exchange ex;
    private final ResponseEncoder encoder;
    private final boolean keepAlive;
    private final Runnable onDone;
    private boolean streaming;
    private boolean done;

    ClientResponseSink(ChannelHandlerContext ctx, Exchange ex, ResponseEncoder encoder, boolean keepAlive, Runnable onDone) {
        this.ctx = ctx;
        this.ex = ex;
        this.encoder = encoder;
        this.keepAlive = keepAlive;
        this.onDone = onDone;
    }

    @Override
    public void unary(GatewayResponse response) {
        if (done) {
            return;
        }
        byte[] body = encoder.unary(response);
        String contentType = response.headers().get("content-type");
        Http1Message m = Http1Message.response(response.status())
                .header("content-type", contentType != null ? contentType : "application/json");
        MutableHeaders ours = ex.responseHeaders();
        response.headers().forEach((name, value) -> {
            // the gateway's own headers (rate limits, request id) replace an upstream's of the same name
            if (!name.equalsIgnoreCase("content-type") && !name.equalsIgnoreCase("x-request-id") && !Responses.isHopByHop(name)
                    && ours.get(name) == null) {
                m.header(name, value);
            }
        });
        finish(writeWhole(m, body));
    }

    @Override
    public void streamStart(GatewayResponse head) {
        if (done || streaming) {
            return;
        }
        streaming = true;
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(head.status()));
        Responses.copy(head.headers(), r.headers());
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        r.headers().set("x-accel-buffering", "no");
        HttpUtil.setTransferEncodingChunked(r, true);
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        addGatewayHeaders(r);
        ctx.write(r);
        scheduleFlush();
    }

    @Override
    public void chunk(StreamChunk chunk) {
        if (done || !streaming) {
            return;
        }
        byte[] frame = encoder.chunk(chunk);
        if (frame.length > 0) {
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)));
            scheduleFlush();
        }
    }

    /**
     * Flushes once per event-loop pass rather than once per event: the chunks decoded from one upstream
     * read leave in one syscall, and none waits longer than the rest of the current pass.
     */
    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;

    private void flushNow() {
        flushScheduled = false;
        ctx.flush();
    }

    @Override
    public void streamEnd() {
        if (done || !streaming) {
            return;
        }
        byte[] end = encoder.end();
        finish(ctx.writeAndFlush(end.length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(Unpooled.wrappedBuffer(end))));
    }

    @Override
    public void fail(GatewayError error) {
        if (done) {
            return;
        }
        if (streaming) {
            // The head is out: the only honest way to fail now is an error event, never a clean end.
            finish(ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(encoder.streamError(error)))));
            return;
        }
        byte[] body = encoder.error(error);
        Http1Message m = Http1Message.response(error.status()).header("content-type", "application/json");
        String retryAfter = Responses.retryAfter(error);
        if (retryAfter != null && ex.responseHeaders().get("retry-after") == null) {
            m.header("retry-after", retryAfter);
        }
        finish(writeWhole(m, body));
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    private @Nullable Runnable writableCallback;

    @Override
    public void onWritable(Runnable resume) {
        if (ctx.channel().isWritable()) {
            ctx.executor().execute(resume);
        } else {
            writableCallback = resume;
        }
    }

    /** Called by the handler when the channel's writability changes. */
    void writabilityChanged() {
        Runnable r = writableCallback;
        if (r != null && ctx.channel().isWritable()) {
            writableCallback = null;
            r.run();
        }
    }

    boolean isDone() {
        return done;
    }

    private void addGatewayHeaders(HttpResponse r) {
        Responses.copy(ex.responseHeaders(), r.headers());
        r.headers().set("x-request-id", ex.requestId());
    }

    /** Adds the gateway's headers to a whole answer and writes it in one buffer; closes after it unless kept alive. */
    private ChannelFuture writeWhole(Http1Message m, byte[] body) {
        ex.responseHeaders().forEach(m::header); // set by filters: never framing or hop-by-hop headers
        m.header("x-request-id", ex.requestId()).header("connection", keepAlive ? "keep-alive" : "close");
        ChannelFuture write = ctx.writeAndFlush(m.body(ctx.alloc(), body));
        return keepAlive ? write : write.addListener(ChannelFutureListener.CLOSE);
    }

    private void finish(ChannelFuture write) {
        done = true;
        if (streaming && !keepAlive) {
            write.addListener(ChannelFutureListener.CLOSE);
        }
        onDone.run();
    }
}
