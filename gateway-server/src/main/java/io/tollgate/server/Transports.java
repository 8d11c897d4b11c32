package io.tollgate.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Native epoll where the platform has it, NIO otherwise. Server and upstream share the same loops. */
public record Transports(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerSocketChannel> serverChannel,
                         Class<? extends SocketChannel> clientChannel) {

    public static Transports best() {
        if (!Boolean.getBoolean("tollgate.nio") && Epoll.isAvailable()) {
            return new Transports("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return new Transports("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    public MultiThreadIoEventLoopGroup newGroup(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(prefix, true), ioHandlerFactory);
    }
}
