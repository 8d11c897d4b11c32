package io.tollgate.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tollgate.core.config.AuthConfig;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.server.api.AdminApi;
import io.tollgate.server.inbound.ConnectionLimit;
import io.tollgate.server.inbound.GatewayHandler.Listener;
import io.tollgate.server.inbound.ServerInitializer;
import io.tollgate.server.inbound.ServerTls;
import io.tollgate.server.inbound.ServerState;
import io.tollgate.server.upstream.NettyUpstreamTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one event-loop group shared by client connections and upstream connections
 * (an upstream call runs on its client's loop), bound to {@code server.host:port}, and to
 * {@code server.management-port} for health and metrics when one is set.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

    private final GatewayRuntime runtime;
    private final ServerState state;
    private final MultiThreadIoEventLoopGroup group;
    private final Channel serverChannel;
    private final @Nullable Channel managementChannel;
    private final Duration grace;
    private final Transports transports;
    private final ChannelGroup clients;
    private final NettyUpstreamTransport upstream;
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch terminated = new java.util.concurrent.CountDownLatch(1);

    private GatewayServer(GatewayRuntime runtime, ServerState state, MultiThreadIoEventLoopGroup group, Channel serverChannel,
                          @Nullable Channel managementChannel, Duration grace, Transports transports, ChannelGroup clients,
                          NettyUpstreamTransport upstream) {
        this.runtime = runtime;
        this.state = state;
        this.group = group;
        this.serverChannel = serverChannel;
        this.managementChannel = managementChannel;
        this.grace = grace;
        this.transports = transports;
        this.clients = clients;
        this.upstream = upstream;
    }

    /** Binds and starts serving {@code config}. */
    public static GatewayServer start(GatewayConfig config, GatewayRuntime runtime) throws InterruptedException {
        Transports transports = Transports.select(config.server().transport());
        int threads = config.server().ioThreads() > 0 ? config.server().ioThreads() : Runtime.getRuntime().availableProcessors();
        MultiThreadIoEventLoopGroup group = transports.newGroup(threads, "tollgate-io");
        NettyUpstreamTransport upstream = new NettyUpstreamTransport(transports.clientChannel());
        runtime.transport(upstream);
        ChannelGroup clients = new DefaultChannelGroup("tollgate-clients", GlobalEventExecutor.INSTANCE);
        // JMX-backed binders cost a few hundred ms of class loading: done alongside the rest of startup
        Thread jvmMeters = Thread.ofPlatform().daemon().name("tollgate-jvm-meters").start(() -> bindMeters(runtime));
        runtime.apply(config);
        AdminApi.registerBuiltins(runtime);
        String host = config.server().bindHost();
        if (config.auth().mode() == AuthConfig.Mode.OPEN) {
            if (config.server().host() == null) {
                log.warn("auth.mode is open: serving without keys, bound to loopback only ({}). Set server.host explicitly to expose it.", host);
            } else {
                log.warn("auth.mode is open and server.host is set to {}: ANYONE who can reach this address can spend your vendor credits.", host);
            }
        }
        ServerState state = new ServerState();
        int managementPort = config.server().managementPort();
        ServerTls tls = null;
        if (config.server().tls().enabled()) {
            try {
                tls = ServerTls.load(config.server().tls());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("server.tls", e.getMessage());   // stops startup, saying why
            }
            ServerTls watched = tls;
            // a stat of each file every 10 s (the system property is for tests); reading them, when they changed,
            // on the blocking executor
            long every = Long.getLong("tollgate.tls.check-millis", 10_000);
            runtime.services().scheduler().scheduleWithFixedDelay(() -> runtime.services().blockingExecutor().execute(watched::reloadIfChanged),
                    every, every, TimeUnit.MILLISECONDS);
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT) // Netty 4.2: adaptive; -Dio.netty.allocator.type=pooled trades ~10-20 MB RSS for ~5 % throughput (benchmarks.md)
                // Backpressure: above 64 KiB unsent to a client, the router stops reading its upstream.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ServerInitializer(runtime, state, config.server(), managementPort > 0 ? Listener.CLIENT : Listener.ALL, clients, tls,
                        new ConnectionLimit(config.server().maxConnections(), runtime.registry())));
        Channel channel;
        Channel management = null;
        try {
            channel = bootstrap.bind(host, config.server().port()).sync().channel();
            if (managementPort > 0) {
                management = bootstrap.clone()
                        .childHandler(new ServerInitializer(runtime, state, config.server(), Listener.MANAGEMENT, clients, null, null))
                        .bind(host, managementPort).sync().channel();
            }
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        jvmMeters.join(); // the first scrape sees every meter
        GatewayServer server = new GatewayServer(runtime, state, group, channel, management, config.server().shutdownGrace(),
                transports, clients, upstream);
        log.info("Tollgate listening on {}:{}{}{} ({} transport, {} event loop{}), {} ms after JVM start", host, server.port(),
                tls == null ? "" : " over HTTPS",
                management == null ? "" : ", health and metrics on :" + server.managementPort(),
                transports.name(), threads, threads == 1 ? "" : "s", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        return server;
    }

    private static void bindMeters(GatewayRuntime runtime) {
        var registry = runtime.registry();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The socket layer serving: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return transports.name();
    }

    /** The management port's bound port, or -1 when health and metrics are served on the client port. */
    public int managementPort() {
        return managementChannel == null ? -1 : ((InetSocketAddress) managementChannel.localAddress()).getPort();
    }

    public GatewayRuntime runtime() {
        return runtime;
    }

    public ServerState state() {
        return state;
    }

    /**
     * Graceful stop (SIGTERM): refuse new work, wait up to the grace period for in-flight requests and
     * streams, then close everything and flush what the features hold (the ledger) through
     * {@link GatewayRuntime#close()}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        state.startDraining();
        serverChannel.close().awaitUninterruptibly();
        boolean drained;
        try {
            drained = state.awaitDrained(grace);   // on the shutdown thread, never an event loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            log.warn("shutdown grace of {} elapsed with {} requests still in flight; closing them", grace, state.inFlight());
        }
        if (managementChannel != null) {
            // open until now, so readiness probes saw "draining" (503) for the whole grace period
            managementChannel.close().awaitUninterruptibly();
        }
        // Connections close while their loops still run: io_uring frees a pending read's buffer only when
        // its cancellation completes, which the loop's own shutdown does not wait for.
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        upstream.closeConnections().awaitUninterruptibly(2, TimeUnit.SECONDS);
        long quietMs = transports.shutdownQuietPeriod().toMillis();
        if (!group.shutdownGracefully(quietMs, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            // the loops are daemon threads: a stalled one must not keep the ledger from its last flush
            log.warn("event loops did not stop within 5 s; going on with shutdown");
        }
        runtime.close();
        log.info("Tollgate stopped");
        terminated.countDown();
    }

    /** Blocks until {@link #close()} has finished (the event-loop threads are daemons: {@code main} waits here). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }
}
