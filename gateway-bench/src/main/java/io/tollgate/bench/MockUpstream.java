package io.tollgate.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fast OpenAI-compatible upstream for load tests: answers {@code POST /v1/chat/completions} with
 * a fixed chat completion (816 bytes, the same body as ../shared/bench), or, when the request has
 * {@code "stream": true}, with a 24-event SSE stream whose events are spaced {@code --chunk-delay-ms}
 * apart (a trickling model, for time-to-first-token numbers). {@code --latency-ms} delays every
 * answer's head (a model's thinking time). Never blocks: delays are scheduled on the event loop.
 *
 * <pre>java -cp gateway-bench/target/benchmarks.jar io.tollgate.bench.MockUpstream --port 18080 [--latency-ms 0] [--chunk-delay-ms 0] [--threads 1]</pre>
 */
public final class MockUpstream {

    private static final byte[] COMPLETION = resource("chat-completion.json");
    private static final List<byte[]> EVENTS = events(resource("chat-completion-stream.sse"));

    public static void main(String[] args) throws Exception {
        int port = intArg(args, "--port", 18080);
        long latencyMs = intArg(args, "--latency-ms", 0);
        long chunkDelayMs = intArg(args, "--chunk-delay-ms", 0);
        int threads = intArg(args, "--threads", 1);
        Channel ch = start(port, threads, latencyMs, chunkDelayMs);
        System.out.println("mock upstream on 127.0.0.1:" + port + " latency=" + latencyMs + "ms chunk-delay=" + chunkDelayMs + "ms");
        ch.closeFuture().sync();
    }

    public static Channel start(int port, int threads, long latencyMs, long chunkDelayMs) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        return new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024), new Handler(latencyMs, chunkDelayMs));
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final long latencyMs;
        private final long chunkDelayMs;

        Handler(long latencyMs, long chunkDelayMs) {
            this.latencyMs = latencyMs;
            this.chunkDelayMs = chunkDelayMs;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean stream = req.content().toString(StandardCharsets.UTF_8).replace(" ", "").contains("\"stream\":true");
            Runnable answer = stream ? () -> stream(ctx, keepAlive) : () -> unary(ctx, keepAlive);
            if (latencyMs > 0) {
                ctx.executor().schedule(answer, latencyMs, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        }

        private void unary(ChannelHandlerContext ctx, boolean keepAlive) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(COMPLETION));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, COMPLETION.length);
            HttpUtil.setKeepAlive(r, keepAlive);
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void stream(ChannelHandlerContext ctx, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            HttpUtil.setKeepAlive(head, keepAlive);
            ctx.write(head);
            sendEvent(ctx, 0, keepAlive);
        }

        private void sendEvent(ChannelHandlerContext ctx, int i, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (i == EVENTS.size()) {
                var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            ByteBuf event = Unpooled.wrappedBuffer(EVENTS.get(i));
            if (chunkDelayMs == 0) {
                ctx.write(new DefaultHttpContent(event));
                sendEvent(ctx, i + 1, keepAlive);
                if (i == 0) {
                    ctx.flush();
                }
                return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(event));
            ctx.executor().schedule(() -> sendEvent(ctx, i + 1, keepAlive), chunkDelayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Splits an SSE body into its events, each with its blank-line terminator. */
    static List<byte[]> events(byte[] sse) {
        String text = new String(sse, StandardCharsets.UTF_8);
        List<byte[]> out = new ArrayList<>();
        for (String e : text.split("\n\n")) {
            if (!e.isBlank()) {
                out.add((e.strip() + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static byte[] resource(String name) {
        try (InputStream in = MockUpstream.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
