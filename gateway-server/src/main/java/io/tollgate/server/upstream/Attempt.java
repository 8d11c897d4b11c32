package io.tollgate.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamFailure;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.server.http1.Http1Message;
import io.tollgate.server.inbound.NettyHeaders;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * One upstream HTTP exchange on the request's event loop: get a pooled connection (or open one),
 * write the request, relay the answer to the listener, enforce the timeouts, and give the connection
 * back to the pool when the answer ended cleanly. Everything here runs on {@link #loop}.
 *
 * <p>The three timeouts (total, first byte, idle gap) share one timer armed at the nearest deadline:
 * when it fires it checks which deadline passed and otherwise re-arms at the next one. Progress only
 * moves deadlines (a field write), so a quick call schedules and cancels a single timer, not three.
 */
final class Attempt implements UpstreamCall {

    private final NettyUpstreamTransport transport;
    private final EventLoop loop;
    private final UpstreamRequest request;
    private final TimeoutConfig timeouts;
    private final UpstreamListener listener;
    private final RequestTarget target;
    private @Nullable Channel channel;
    private boolean reused;
    private boolean retriedStale;
    private boolean responseStarted;
    private boolean keepAlive;
    private boolean finished;
    private long lastReadNanos;
    private long totalDeadline;
    /** When the response head must have arrived; 0 while no request has been written. */
    private long firstByteDeadline;
    private @Nullable ScheduledFuture<?> timer;
    private long timerDeadline;

    Attempt(NettyUpstreamTransport transport, EventLoop loop, UpstreamRequest request, TimeoutConfig timeouts, UpstreamListener listener) {
        this.transport = transport;
        this.loop = loop;
        this.request = request;
        this.timeouts = timeouts;
        this.listener = listener;
        this.target = transport.target(request.uri());
    }

    void start() {
        totalDeadline = System.nanoTime() + timeouts.total().toNanos();
        acquire();
        armBy(totalDeadline);   // a no-op when send() already armed the (earlier) first-byte deadline
    }

    private void acquire() {
        Channel pooled = transport.pool().poll(target.origin());
        if (pooled != null) {
            reused = true;
            send(pooled);
            return;
        }
        connectFresh();
    }

    private void connectFresh() {
        reused = false;
        transport.whenTlsReady(loop, this::connect);
    }

    private void connect() {
        if (finished) {
            return;
        }
        transport.connect(loop, target.origin(), timeouts.connect()).addListener((ChannelFuture f) -> {
            if (finished) {
                if (f.isSuccess()) {
                    f.channel().close();
                }
                return;
            }
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                UpstreamFailure.Kind kind = cause instanceof ConnectTimeoutException ? UpstreamFailure.Kind.CONNECT_TIMEOUT : UpstreamFailure.Kind.CONNECT_REFUSED;
                fail(kind, cause instanceof ConnectException ? "connection refused" : String.valueOf(cause.getMessage()));
                return;
            }
            send(f.channel());
        });
    }

    private void send(Channel ch) {
        channel = ch;
        ch.pipeline().get(UpstreamHandler.class).attach(this);
        ch.config().setAutoRead(true);
        byte[] body = request.body();
        Http1Message http = Http1Message.request(request.method(), target.pathAndQuery())
                .header("host", target.hostHeader());
        request.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                http.header(name, value);
            }
        });
        if (body.length > 0 && request.headers().get("content-type") == null) {
            http.header("content-type", "application/json");
        }
        ch.writeAndFlush(http.body(ch.alloc(), body)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess() && !finished) {
                onError(f.cause());
            }
        });
        firstByteDeadline = System.nanoTime() + timeouts.firstToken().toNanos();
        armBy(firstByteDeadline);
    }

    void onHead(HttpResponse response) {
        if (finished) {
            return;
        }
        responseStarted = true;
        keepAlive = HttpUtil.isKeepAlive(response);
        lastReadNanos = System.nanoTime();   // from here the timer checks idle gaps, not the first byte
        listener.onHead(response.status().code(), new NettyHeaders(response.headers()));
    }

    void onContent(ByteBuf content, boolean last) {
        if (finished) {
            return;
        }
        lastReadNanos = System.nanoTime();
        if (content.isReadable()) {
            listener.onBody(content.nioBuffer());
        }
        if (last && !finished) {
            finished = true;
            cancelTimer();
            Channel ch = channel;
            channel = null;
            if (ch != null) {
                ch.pipeline().get(UpstreamHandler.class).attach(null);
                if (keepAlive) {
                    transport.pool().release(target.origin(), ch);
                } else {
                    ch.close();
                }
            }
            listener.onEnd();
        }
    }

    /** The connection closed under us. A reused connection that died before any answer was stale: retry once on a fresh one. */
    void onClosed() {
        if (finished) {
            return;
        }
        channel = null;
        if (reused && !responseStarted && !retriedStale) {
            retriedStale = true;
            firstByteDeadline = 0;   // set again when the request is written on the fresh connection
            connectFresh();   // not another pooled one: it may be just as stale
            return;
        }
        fail(UpstreamFailure.Kind.CONNECTION_RESET, responseStarted ? "connection closed mid-answer" : "connection closed before an answer");
    }

    void onError(Throwable cause) {
        if (finished) {
            return;
        }
        boolean tls = cause instanceof SSLException || (cause.getCause() instanceof SSLException);
        if (tls) {
            fail(UpstreamFailure.Kind.TLS, "TLS handshake or record failed");
        } else if (!(reused && !responseStarted && !retriedStale)) {
            fail(UpstreamFailure.Kind.CONNECTION_RESET, String.valueOf(cause.getMessage()));
        } else {
            Channel ch = channel;
            if (ch != null) {
                ch.close();   // onClosed retries on a fresh connection
            }
        }
    }

    /** Arms the timer at {@code deadline} unless it is already armed at or before it. */
    private void armBy(long deadline) {
        if (finished || (timer != null && timerDeadline - deadline <= 0)) {
            return;
        }
        cancelTimer();
        arm(deadline);
    }

    private void arm(long deadline) {
        timerDeadline = deadline;
        timer = loop.schedule(this::checkDeadlines, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void checkDeadlines() {
        timer = null;
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        if (now - totalDeadline >= 0) {
            fail(UpstreamFailure.Kind.TOTAL_TIMEOUT, "no complete answer within " + timeouts.total());
            return;
        }
        long next = totalDeadline;
        if (responseStarted) {
            long idleDeadline = lastReadNanos + timeouts.idle().toNanos();
            if (now - idleDeadline >= 0) {
                fail(UpstreamFailure.Kind.IDLE_TIMEOUT, "no data for " + timeouts.idle());
                return;
            }
            next = earliest(next, idleDeadline);
        } else if (firstByteDeadline != 0) {
            if (now - firstByteDeadline >= 0) {
                fail(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT, "no answer within " + timeouts.firstToken());
                return;
            }
            next = earliest(next, firstByteDeadline);
        }
        arm(next);
    }

    private static long earliest(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    private void fail(UpstreamFailure.Kind kind, String detail) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        closeChannel();
        listener.onFailure(new UpstreamFailure(kind, detail));
    }

    @Override
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        closeChannel();   // mid-answer: the connection cannot be reused
    }

    @Override
    public void pause() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(false);
        }
    }

    @Override
    public void resume() {
        Channel ch = channel;
        if (ch != null && !finished) {
            ch.config().setAutoRead(true);
            ch.read();
        }
    }

    private void closeChannel() {
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.pipeline().get(UpstreamHandler.class).attach(null);
            ch.close();
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = timer;
        timer = null;
        if (t != null) {
            t.cancel(false);
        }
    }
}
