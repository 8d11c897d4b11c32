package io.tollgate.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.core.upstream.UpstreamTransport;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network {@link UpstreamTransport}: HTTP/1.1 keep-alive connections pooled per event loop and
 * origin, opened on the request's own event loop (no thread hop per request), TLS through OpenSSL
 * (netty-tcnative BoringSSL) when available and the JDK otherwise, with hostname verification.
 */
public final class NettyUpstreamTransport implements UpstreamTransport {

    private static final Logger log = LoggerFactory.getLogger(NettyUpstreamTransport.class);
    private static final int MAX_TARGETS = 4096;

    private final Class<? extends SocketChannel> channelClass;
    /**
     * Built on a background thread: loading the TLS stack and the trust store takes a few hundred
     * milliseconds that would otherwise delay startup (and local plaintext upstreams never need it).
     */
    private final CompletableFuture<SslContext> ssl = new CompletableFuture<>();
    private final ConnectionPool pool = new ConnectionPool();
    /** Each upstream URI taken apart once; bounded, since an adapter may build URIs from request data. */
    private final Map<URI, RequestTarget> targets = new ConcurrentHashMap<>();
    /** Every open upstream connection, for {@link #closeConnections()}. */
    private final ChannelGroup connections = new DefaultChannelGroup("tollgate-upstream", GlobalEventExecutor.INSTANCE);

    public NettyUpstreamTransport(Class<? extends SocketChannel> channelClass) {
        this.channelClass = channelClass;
        Thread.ofPlatform().daemon().name("tollgate-tls-init").start(() -> {
            try {
                SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
                ssl.complete(SslContextBuilder.forClient().sslProvider(provider).build());
                log.info("upstream TLS: {}", provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK");
            } catch (SSLException | RuntimeException e) {
                log.error("cannot create the TLS client context: HTTPS upstreams will fail to connect", e);
                ssl.completeExceptionally(e);
            }
        });
    }

    /** Runs {@code then} on {@code loop} once the TLS context is built (or failed to build): at once after startup. */
    void whenTlsReady(EventLoop loop, Runnable then) {
        if (ssl.isDone()) {
            then.run();
        } else {
            ssl.whenComplete((context, failure) -> loop.execute(then));
        }
    }

    @Override
    public UpstreamCall send(Exchange ex, UpstreamRequest request, TimeoutConfig timeouts, UpstreamListener listener) {
        if (!(ex.eventLoop() instanceof EventLoop loop)) {
            throw new IllegalArgumentException("exchange event loop: " + ex.eventLoop().getClass().getName() + " (expected: a Netty EventLoop)");
        }
        Attempt attempt = new Attempt(this, loop, request, timeouts, listener);
        attempt.start();
        return attempt;
    }

    /**
     * Closes every upstream connection; the future completes once each has closed. Called before the
     * event loops stop: io_uring frees a connection's pending receive buffer only when the read's
     * cancellation completes, which a stopped loop never sees.
     */
    public ChannelGroupFuture closeConnections() {
        return connections.close();
    }

    RequestTarget target(URI uri) {
        RequestTarget t = targets.get(uri);
        if (t == null) {
            t = RequestTarget.of(uri);
            if (targets.size() < MAX_TARGETS) {
                targets.put(uri, t);
            }
        }
        return t;
    }

    ConnectionPool pool() {
        return pool;
    }

    ChannelFuture connect(EventLoop loop, Origin origin, Duration connectTimeout) {
        return new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                // the inbound side's allocator: one set of arenas for the process, not two
                .option(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (origin.tls()) {
                            // done by now (see whenTlsReady); a context that failed to build fails this connect
                            SslHandler handler = ssl.join().newHandler(ch.alloc(), origin.host(), origin.port());
                            SSLEngine engine = handler.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            handler.setHandshakeTimeoutMillis(Math.max(1, connectTimeout.toMillis()));
                            ch.pipeline().addLast("tls", handler);
                        }
                        // a decoder only: requests leave pre-encoded (Http1Message). No adapter sends HEAD or CONNECT,
                        // the methods whose answers a decoder must be told about (HttpClientCodec's method queue).
                        ch.pipeline().addLast("http", new HttpResponseDecoder(4096, 64 * 1024, 64 * 1024));
                        ch.pipeline().addLast("upstream", new UpstreamHandler());
                    }
                })
                .connect(origin.host(), origin.port());
    }
}
