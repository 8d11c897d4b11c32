package io.tollgate.server.upstream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamFailure;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Netty upstream client against a real HTTP server: bodies, streams, timeouts, cancel. */
class NettyUpstreamTransportIT {

    @RegisterExtension
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static MultiThreadIoEventLoopGroup group;
    private static final NettyUpstreamTransport transport = new NettyUpstreamTransport(NioSocketChannel.class);
    /** For the timeout tests. */
    private static final TimeoutConfig FAST = new TimeoutConfig(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofMillis(300));
    /** For everything else: generous, so a loaded CI machine cannot turn a slow answer into a failure. */
    private static final TimeoutConfig RELAXED = new TimeoutConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10));

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records what the listener hears, with arrival times. */
    static final class Recorder implements UpstreamListener {
        final CompletableFuture<Integer> head = new CompletableFuture<>();
        final CompletableFuture<String> end = new CompletableFuture<>();
        final CompletableFuture<UpstreamFailure> failure = new CompletableFuture<>();
        final List<Long> bodyTimes = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        volatile Headers headers;

        @Override
        public void onHead(int status, Headers headers) {
            this.headers = headers;
            head.complete(status);
        }

        @Override
        public void onBody(ByteBuffer bytes) {
            bodyTimes.add(System.nanoTime());
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            synchronized (body) {
                body.writeBytes(copy);
            }
        }

        @Override
        public void onEnd() {
            synchronized (body) {
                end.complete(body.toString(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onFailure(UpstreamFailure f) {
            failure.complete(f);
        }
    }

    private static UpstreamCall send(String url, Recorder recorder, TimeoutConfig timeouts) throws Exception {
        EventLoop loop = group.next();
        DefaultExchange ex = new DefaultExchange("req-1", GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, Json.object()), MutableHeaders.of(), loop, Ticker.system());
        UpstreamRequest request = UpstreamRequest.post(URI.create(url), MutableHeaders.of("authorization", "Bearer sk-test"),
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8));
        return loop.submit(() -> transport.send(ex, request, timeouts, recorder)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void relaysAUnaryAnswerAndSendsTheRequestAsBuilt() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"ok\":true}")));
        Recorder r = new Recorder();
        send(upstream.baseUrl() + "/v1/chat/completions", r, RELAXED);

        assertThat(r.head.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(r.end.get(5, TimeUnit.SECONDS)).isEqualTo("{\"ok\":true}");
        assertThat(r.headers.get("Content-Type")).isEqualTo("application/json");
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("authorization", equalTo("Bearer sk-test"))
                .withHeader("content-type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"model\":\"m\"}")));
    }

    @Test
    void reusesKeepAliveConnectionsAcrossCalls() throws Exception {
        upstream.stubFor(post("/ok").willReturn(aResponse().withStatus(200).withBody("x")));
        for (int i = 0; i < 20; i++) {
            Recorder r = new Recorder();
            send(upstream.baseUrl() + "/ok", r, RELAXED);
            assertThat(CompletableFuture.anyOf(r.end, r.failure).get(20, TimeUnit.SECONDS)).as("call " + i).isEqualTo("x");
        }
        // Twenty sequential calls on one loop: the pool holds one idle connection for the origin.
        Integer idle = group.next().submit(() -> {
            var ch = transport.pool().poll(Origin.of(URI.create(upstream.baseUrl())));
            if (ch != null) {
                transport.pool().release(Origin.of(URI.create(upstream.baseUrl())), ch);
            }
            return ch == null ? 0 : 1;
        }).get();
        assertThat(idle).isEqualTo(1);
    }

    @Test
    void streamsChunksAsTheyArriveNotAtTheEnd() throws Exception {
        String sse = "data: {\"n\":1}\n\n".repeat(5);
        upstream.stubFor(post("/stream").willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream")
                .withBody(sse).withChunkedDribbleDelay(5, 1000)));
        Recorder r = new Recorder();
        send(upstream.baseUrl() + "/stream", r, new TimeoutConfig(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2)));

        assertThat(r.end.get(5, TimeUnit.SECONDS)).isEqualTo(sse);
        long endTime = System.nanoTime();
        assertThat(r.bodyTimes.size()).isGreaterThan(1);
        // The first bytes reached us well before the upstream sent its last chunk (~1 s of dribble).
        assertThat(TimeUnit.NANOSECONDS.toMillis(endTime - r.bodyTimes.get(0))).isGreaterThan(400);
    }

    @Test
    void anUpstreamThatNeverAnswersIsAFirstByteTimeout() throws Exception {
        upstream.stubFor(post("/hang").willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        Recorder r = new Recorder();
        long start = System.nanoTime();
        send(upstream.baseUrl() + "/hang", r, FAST);

        UpstreamFailure f = r.failure.get(5, TimeUnit.SECONDS);
        assertThat(f.kind()).isEqualTo(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2500);
        assertThat(f.toError("up").status()).isEqualTo(504);
    }

    @Test
    void aStreamThatGoesSilentIsAnIdleTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Recorder r = new Recorder();
            send("http://127.0.0.1:" + server.getLocalPort() + "/silent", r, FAST);
            try (Socket socket = server.accept()) {
                readHeadersAndBody(socket.getInputStream());
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                        + "d\r\ndata: first\n\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(r.head.get(5, TimeUnit.SECONDS)).isEqualTo(200);
                // ...then nothing: after idle (300 ms) of silence the attempt fails instead of hanging.
                assertThat(r.failure.get(5, TimeUnit.SECONDS).kind()).isEqualTo(UpstreamFailure.Kind.IDLE_TIMEOUT);
            }
        }
    }

    @Test
    void aStreamThatKeepsTricklingOutlivesTheIdleTimeoutButNotTheTotal() throws Exception {
        // idle 300 ms, total 1.2 s; the upstream sends an event every 100 ms for 3 s
        TimeoutConfig timeouts = new TimeoutConfig(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(1200), Duration.ofMillis(300));
        try (ServerSocket server = new ServerSocket(0)) {
            Recorder r = new Recorder();
            long start = System.nanoTime();
            send("http://127.0.0.1:" + server.getLocalPort() + "/trickle", r, timeouts);
            try (Socket socket = server.accept()) {
                readHeadersAndBody(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                try {
                    for (int i = 0; i < 30 && !r.failure.isDone(); i++) {
                        out.write("d\r\ndata: chunk\n\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (SocketException closedByTheGateway) {
                    // the attempt failed and closed the connection between two writes
                }
                UpstreamFailure f = r.failure.get(5, TimeUnit.SECONDS);
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(f.kind()).isEqualTo(UpstreamFailure.Kind.TOTAL_TIMEOUT);
                assertThat(elapsedMs).isBetween(1100L, 2500L);   // well past idle: the gaps reset it
                assertThat(r.bodyTimes.size()).isGreaterThan(5);
            }
        }
    }

    @Test
    void connectionRefusedIsReportedNotThrown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Recorder r = new Recorder();
        send("http://127.0.0.1:" + closedPort + "/v1/chat/completions", r, FAST);
        UpstreamFailure f = r.failure.get(5, TimeUnit.SECONDS);
        assertThat(f.kind()).isEqualTo(UpstreamFailure.Kind.CONNECT_REFUSED);
        assertThat(f.toError("up").status()).isEqualTo(502);
    }

    @Test
    void cancelClosesTheUpstreamConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Recorder r = new Recorder();
            UpstreamCall call = send("http://127.0.0.1:" + server.getLocalPort() + "/stream", r, new TimeoutConfig(
                    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5)));
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                readHeadersAndBody(in);
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                        + "d\r\ndata: first\n\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(r.head.get(5, TimeUnit.SECONDS)).isEqualTo(200);

                group.next().submit(call::cancel).get();   // any loop: cancel hops nothing, it is idempotent

                // The upstream sees its connection closed: read returns -1 (EOF) promptly.
                assertThat(in.read()).isEqualTo(-1);
                assertThat(r.end).isNotDone();
                assertThat(r.failure).isNotDone();
            }
        }
    }

    private static void readHeadersAndBody(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.read());
        }
        String h = head.toString(StandardCharsets.US_ASCII).toLowerCase();
        int cl = Integer.parseInt(h.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
        in.readNBytes(cl);
    }
}
