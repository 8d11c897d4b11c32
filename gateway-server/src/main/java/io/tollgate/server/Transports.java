package io.tollgate.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ServerConfig.Transport;
import io.tollgate.core.error.RootCause;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket layer under Netty: io_uring, epoll or NIO. Server and upstream share the same loops.
 *
 * <p>{@code auto} takes epoll on Linux and NIO elsewhere. io_uring is opt-in: it measured 16-26 % more
 * throughput at saturation (one ring per loop instead of a system call per read and write), but
 * Netty 4.2's io_uring loops can stall or leave a read buffer behind when they shut down
 * (docs/benchmarks-history.md, session 7), so it is not yet the default.
 *
 * @param shutdownQuietPeriod how long the loops keep turning once asked to stop with nothing left to do
 */
public record Transports(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerSocketChannel> serverChannel,
                         Class<? extends SocketChannel> clientChannel, Duration shutdownQuietPeriod) {

    private static final Logger log = LoggerFactory.getLogger(Transports.class);

    /** The transport for {@code server.transport}; an explicit choice the platform cannot honour is a config error. */
    public static Transports select(Transport wanted) {
        return switch (wanted) {
            case IO_URING -> {
                require("io-uring", IoUring.unavailabilityCause());
                yield ioUring();
            }
            case EPOLL -> {
                require("epoll", Epoll.unavailabilityCause());
                yield epoll();
            }
            case NIO -> nio();
            case AUTO -> {
                if (Epoll.isAvailable()) {
                    yield epoll();
                }
                log.debug("epoll unavailable, using NIO: {}", String.valueOf(Epoll.unavailabilityCause()));
                yield nio();
            }
        };
    }

    private static void require(String name, Throwable unavailable) {
        if (unavailable != null) {
            throw new ConfigException("server.transport", name + " is not available on this machine (" + RootCause.message(unavailable) + "); use auto");
        }
    }

    private static Transports ioUring() {
        // A quiet period keeps the loops turning while closed reads' cancellations come back and a wake-up
        // another thread is still writing lands before the loop closes its eventfd: Netty 4.2.18 can
        // otherwise stall in its shutdown or leave a receive buffer behind (netty/netty#16716).
        return new Transports("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class, IoUringSocketChannel.class,
                Duration.ofMillis(100));
    }

    private static Transports epoll() {
        return new Transports("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class, Duration.ZERO);
    }

    private static Transports nio() {
        return new Transports("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class, Duration.ZERO);
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(prefix, true), ioHandlerFactory);
    }
}
