package io.tollgate.server.inbound;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.tollgate.core.config.ServerConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.http1.PassThroughResponseEncoder;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The client-facing pipeline (each connection joins {@code connections}, so shutdown can close them, and counts against the client port's {@code server.max-connections}): idle close, the request read timeout, HTTP/1.1 decoder and encoder (whole answers pass it pre-encoded), body aggregation with the size limit, the gateway. */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {

    private final GatewayRuntime runtime;
    private final ServerState state;
    private final ServerConfig server;
    private final GatewayHandler.Listener listener;
    private final ChannelGroup connections;
    private final @Nullable ServerTls tls;
    private final @Nullable ConnectionLimit limit;

    /** {@code tls}: HTTPS on this listener, or null for plain HTTP; {@code limit}: the cap it counts against, or null. */
    public ServerInitializer(GatewayRuntime runtime, ServerState state, ServerConfig server, GatewayHandler.Listener listener,
                             ChannelGroup connections, @Nullable ServerTls tls, @Nullable ConnectionLimit limit) {
        this.connections = connections;
        this.tls = tls;
        this.limit = limit;
        this.runtime = runtime;
        this.state = state;
        this.server = server;
        this.listener = listener;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        GatewayError refusal = limit == null ? null : limit.admit(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(0, 0, server.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        RequestReadTimer readTimer = new RequestReadTimer(server.requestReadTimeout());
        p.addLast("read-timer", readTimer);
        p.addLast("http-decoder", new HttpRequestDecoder(8192, 32 * 1024, 64 * 1024));
        p.addLast("http-encoder", new PassThroughResponseEncoder());
        p.addLast("aggregate", new BodyAggregator(server.maxRequestSize().bytes()));
        p.addLast("gateway", new GatewayHandler(runtime, state, listener, readTimer, refusal));
    }
}
