package io.tollgate.server.inbound;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.tollgate.core.accesslog.AccessLog;
import io.tollgate.core.api.ClientCodec;
import io.tollgate.core.api.ResponseEncoder;
import io.tollgate.core.config.CorsConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.api.AdminApi;
import io.tollgate.server.api.ModelsApi;
import io.tollgate.server.api.OpsApi;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: routes each request to its endpoint and runs proxied calls through the
 * current filter chain. Requests on a connection are answered in order (HTTP/1.1 pipelining): a
 * request that arrives while one is in flight waits, copied out of Netty's buffers.
 */
public final class GatewayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(GatewayHandler.class);

    /** What a listening port serves. */
    public enum Listener {
        /** Everything: the API, {@code /v1/models}, health, metrics and admin (no management port). */
        ALL,
        /** The client port beside a management port: everything but {@code /metrics}. */
        CLIENT,
        /** The management port ({@code server.management-port}): health and metrics only. */
        MANAGEMENT
    }

    /**
     * A request copied out of its ByteBuf, so nothing reference-counted waits in the queue.
     *
     * @param refusal when not null, the request is not served but answered with this error in its turn, and the
     *                connection closes after it: what follows a request that could not be read cannot be trusted
     */
    public record Request(HttpMethod method, String uri, String path, Headers headers, byte[] body, boolean keepAlive,
                          @Nullable GatewayError refusal) {

        /** A request refused before it was read whole; {@code head} is null when not even its head was. */
        static Request refused(@Nullable HttpRequest head, GatewayError refusal) {
            if (head == null) {
                return new Request(HttpMethod.GET, "", "", Headers.EMPTY, EMPTY_BODY, false, refusal);
            }
            String target = originForm(head.uri());
            String path = pathOf(target);
            return new Request(head.method(), target, path == null ? "" : path, new NettyHeaders(head.headers()), EMPTY_BODY, false, refusal);
        }
    }

    private static final byte[] EMPTY_BODY = new byte[0];

    private final GatewayRuntime runtime;
    private final ServerState state;
    private final Listener listener;
    private final RequestReadTimer readTimer;
    /** The answer to this connection's requests but health checks when it is over {@code server.max-connections}, else null. */
    private final @Nullable GatewayError overCap;
    private final ArrayDeque<Request> pending = new ArrayDeque<>(2);
    private @Nullable DefaultExchange inFlight;
    private @Nullable ClientResponseSink inFlightSink;
    private boolean busy;
    /** A refusal was read: it is answered in turn, then the connection closes; nothing after it is served. */
    private boolean closing;

    GatewayHandler(GatewayRuntime runtime, ServerState state, Listener listener, RequestReadTimer readTimer, @Nullable GatewayError overCap) {
        this.runtime = runtime;
        this.state = state;
        this.listener = listener;
        this.readTimer = readTimer;
        this.overCap = overCap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);   // after a refusal the connection only waits to close: nothing more is served
            return;
        }
        readTimer.requestRead();
        Request request;
        if (msg instanceof Request refused) {
            request = refused;   // the body aggregator's or the read timer's refusal, to be answered in turn
        } else if (msg instanceof FullHttpRequest http) {
            try {
                request = read(http);
                if (overCap != null && request.refusal() == null && !isOps(request.path())) {
                    request = Request.refused(http, overCap);
                }
            } finally {
                http.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (request.refusal() != null) {
            // every refusal (the aggregator's and the read timer's too) arrives here, in the read that made it
            closing = true;
            ctx.channel().config().setAutoRead(false);
        }
        if (busy) {
            pending.add(request);
            return;
        }
        serve(ctx, request);
    }

    /** The request {@code http} asks for, or a refusal of it when it cannot be served as HTTP/1.1 says. */
    private static Request read(FullHttpRequest http) {
        if (http.decoderResult().isFailure()) {
            // Bad request line or header (e.g. CR/LF injection): answer and close, the stream is unusable.
            return Request.refused(null, GatewayError.invalidRequest("Malformed HTTP request: " + http.decoderResult().cause().getMessage(), null));
        }
        HttpVersion version = http.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            // Netty's decoder accepts any HTTP/x.y; answering "HTTP/9.9" as if it were 1.1 would be a guess
            return Request.refused(null, GatewayError.invalidRequest("Malformed HTTP request: " + clip(version.text())
                    + " is not supported (expected: HTTP/1.1 or HTTP/1.0).", null));
        }
        String target = originForm(http.uri());
        String path = pathOf(target);
        if (path == null) {
            return Request.refused(null, GatewayError.invalidRequest("Malformed HTTP request: the target " + clip(target)
                    + " has a bad percent-escape (expected: % and two hex digits).", null));
        }
        if (version.equals(HttpVersion.HTTP_1_1) && http.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            // RFC 9112 3.2: exactly one Host, or 400; a proxy that let either through would be the weak link in a chain
            return Request.refused(http, GatewayError.invalidRequest("Malformed HTTP request: an HTTP/1.1 request needs exactly one Host header.", null));
        }
        return new Request(http.method(), target, path, new NettyHeaders(http.headers()), ByteBufUtil.getBytes(http.content()),
                HttpUtil.isKeepAlive(http), null);
    }

    /** The decoded path of a request target; null when it has a malformed percent-escape. */
    static @Nullable String pathOf(String target) {
        try {
            return new QueryStringDecoder(target).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The path and query of a request target. A server must accept the absolute form
     * ({@code http://host/v1/models}, RFC 9112 3.2.2) as well as the usual origin form; its authority
     * names no other upstream here, so it is dropped.
     */
    static String originForm(String target) {
        if (target.isEmpty() || target.charAt(0) == '/') {
            return target;   // the origin form: every client but a proxy-minded one
        }
        int scheme = target.indexOf("://");
        if (scheme <= 0) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        int query = target.indexOf('?', scheme + 3);
        if (path < 0 || (query >= 0 && query < path)) {
            return query < 0 ? "/" : "/" + target.substring(query);
        }
        return target.substring(path);
    }

    private void serve(ChannelHandlerContext ctx, Request r) {
        busy = true;
        try {
            if (r.refusal() != null) {
                refuseAndClose(ctx, r);
                return;
            }
            route(ctx, r);
        } catch (RuntimeException e) {
            log.error("unexpected error serving {} {}", r.method(), r.path(), e);
            if (inFlightSink == null) {
                write(ctx, r, errorResponse(r, GatewayError.internal("the server")));
            }
        }
    }

    private void route(ChannelHandlerContext ctx, Request r) {
        String path = r.path();
        if (listener != Listener.MANAGEMENT && Cors.isPreflight(r.method(), r.headers())) {
            write(ctx, r, Cors.preflight(cors(), r.headers()));
            return;
        }
        if (listener == Listener.MANAGEMENT || isOps(path)) {
            ops(ctx, r, path);
            return;
        }
        ApiKind api = apiFor(path);
        if (api != null) {
            if (!r.method().equals(HttpMethod.POST)) {
                methodNotAllowed(ctx, r, "POST"); // in the API's envelope: Anthropic's on /v1/messages
                return;
            }
            proxy(ctx, r, api);
            return;
        }
        switch (path) {
            case "/v1/models" -> models(ctx, r, null);
            default -> {
                if (path.startsWith(MODEL_PATH) && path.length() > MODEL_PATH.length()) {
                    models(ctx, r, path.substring(MODEL_PATH.length())); // the path is decoded already
                } else if (path.equals("/admin") || path.startsWith("/admin/")) {
                    AdminApi.handle(runtime, state, r, ctx.executor(), response -> write(ctx, r, response));
                } else {
                    write(ctx, r, Responses.error(GatewayError.of(ErrorCode.NOT_FOUND, "No endpoint at " + clip(path) + ". See docs/ for the API.")));
                }
            }
        }
    }

    private static final String MODEL_PATH = "/v1/models/";

    /** {@code GET /v1/models}, or {@code GET /v1/models/{id}} when {@code id} is given. */
    private void models(ChannelHandlerContext ctx, Request r, @Nullable String id) {
        if (!r.method().equals(HttpMethod.GET)) {
            methodNotAllowed(ctx, r, "GET");
            return;
        }
        ModelsApi.handle(runtime, r.headers(), id, ctx.executor(), response -> write(ctx, r, response));
    }

    private static boolean isOps(String path) {
        return path.equals("/health/live") || path.equals("/health/ready") || path.equals("/metrics");
    }

    /** Health and metrics, as this listener serves them (the management port: nothing else). */
    private void ops(ChannelHandlerContext ctx, Request r, String path) {
        if (!isOps(path)) {
            write(ctx, r, Responses.error(GatewayError.of(ErrorCode.NOT_FOUND, "No endpoint at " + clip(path)
                    + " on the management port: it serves /metrics, /health/live and /health/ready.")));
            return;
        }
        if (listener == Listener.CLIENT && path.equals("/metrics")) {
            write(ctx, r, Responses.error(GatewayError.of(ErrorCode.NOT_FOUND,
                    "No endpoint at /metrics on this port: metrics are served on the management port.")));
            return;
        }
        if (!r.method().equals(HttpMethod.GET)) {
            methodNotAllowed(ctx, r, "GET");
            return;
        }
        write(ctx, r, OpsApi.handle(path, runtime, state));
    }

    private void proxy(ChannelHandlerContext ctx, Request r, ApiKind api) {
        ClientCodec codec = runtime.codec(api);
        if (codec == null) {
            write(ctx, r, Responses.error(GatewayError.of(ErrorCode.NOT_FOUND, api.path() + " is not available in this build.")));
            return;
        }
        if (state.isDraining()) {
            refuse(ctx, r, GatewayError.of(ErrorCode.SHUTTING_DOWN, "The gateway is shutting down; retry on another instance."));
            return;
        }
        String contentType = r.headers().get("content-type");
        if (contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            refuse(ctx, r, GatewayError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type '" + clip(contentType) + "' is not supported (expected: application/json)."));
            return;
        }
        String contentEncoding = r.headers().get("content-encoding");
        if (contentEncoding != null && !contentEncoding.strip().equalsIgnoreCase("identity")) {
            refuse(ctx, r, GatewayError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Encoding '" + clip(contentEncoding) + "' is not supported: send the request body uncompressed."));
            return;
        }
        // the aggregator drops a plain 'chunked', the one transfer coding it decodes; any other (gzip, chunked) was not undone
        String transferEncoding = r.headers().get("transfer-encoding");
        if (transferEncoding != null) {
            refuse(ctx, r, GatewayError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Transfer-Encoding '" + clip(transferEncoding) + "' is not supported: send the request body uncompressed (chunked is fine)."));
            return;
        }
        GatewayRequest request;
        try {
            request = codec.decode(api, r.body(), r.headers());
        } catch (GatewayException e) {
            refuse(ctx, r, e.error());
            return;
        }
        GatewayRuntime.Snapshot snapshot = runtime.current();
        DefaultExchange ex = new DefaultExchange(requestId(r.headers()), request, r.headers(), ctx.channel().eventLoop(),
                runtime.services().ticker());
        Cors.addTo(cors(), r.headers(), ex.responseHeaders()::set);
        ResponseEncoder encoder = codec.encoder(request);
        ClientResponseSink sink = new ClientResponseSink(ctx, ex, encoder, r.keepAlive() && !state.isDraining(), () -> requestDone(ctx));
        inFlight = ex;
        inFlightSink = sink;
        state.requestStarted();
        runtime.requestMeters().started();
        snapshot.chain().execute(ex, sink);
    }

    /** Answers a refused request (in its API's envelope, counted as a refusal when it was for a client API) and closes. */
    private void refuseAndClose(ChannelHandlerContext ctx, Request r) {
        GatewayError error = r.refusal();
        FullHttpResponse response = apiFor(r.path()) != null ? refusal(runtime, r.path(), r.headers(), error)
                : errorResponse(runtime, r.path(), r.headers(), error);
        write(ctx, r, response);
    }

    /**
     * Answers a client-API request that never reaches the chain. The chain's header checks answer first
     * (a caller without a valid key gets 401, not a verdict on its body).
     */
    private void refuse(ChannelHandlerContext ctx, Request r, GatewayError error) {
        GatewayError objection = runtime.current().chain().checkHeaders(r.headers());
        write(ctx, r, refusal(runtime, r.path(), r.headers(), objection != null ? objection : error));
    }

    /**
     * {@link #errorResponse} for a client-API request refused before the chain, counted in {@code gateway_requests_total}
     * and, when {@code server.access-log} is on, logged there.
     */
    static FullHttpResponse refusal(GatewayRuntime runtime, String path, Headers headers, GatewayError error) {
        runtime.requestMeters().refused(error.status());
        String requestId = requestId(headers);
        if (runtime.current().config().server().accessLog()) {
            AccessLog.refused(runtime.services().clock(), requestId, path, error);   // path: one of apiFor's
        }
        return errorResponse(runtime, path, requestId, error);
    }

    private FullHttpResponse errorResponse(Request r, GatewayError error) {
        return errorResponse(runtime, r.path(), r.headers(), error);
    }

    /**
     * An error answer in the envelope of the client API at {@code path} (Anthropic's on {@code /v1/messages},
     * OpenAI's elsewhere), with the request id, and {@code retry-after} when the error has one.
     */
    static FullHttpResponse errorResponse(GatewayRuntime runtime, String path, Headers headers, GatewayError error) {
        return errorResponse(runtime, path, requestId(headers), error);
    }

    private static FullHttpResponse errorResponse(GatewayRuntime runtime, String path, String requestId, GatewayError error) {
        ApiKind api = apiFor(path);
        ClientCodec codec = api == null ? null : runtime.codec(api);
        FullHttpResponse response = codec == null ? Responses.error(error)
                : Responses.error(error, codec.encoder(GatewayRequest.of(api, Json.object())).error(error));
        response.headers().set("x-request-id", requestId);
        return response;
    }

    private void methodNotAllowed(ChannelHandlerContext ctx, Request r, String allowed) {
        var response = errorResponse(r, GatewayError.of(ErrorCode.METHOD_NOT_ALLOWED, r.method() + " is not allowed on " + clip(r.path()) + " (expected: " + allowed + ")."));
        response.headers().set("allow", allowed);
        write(ctx, r, response);
    }

    private void write(ChannelHandlerContext ctx, Request r, io.netty.handler.codec.http.FullHttpResponse response) {
        if (!ctx.channel().isActive()) {
            response.release();
            busy = false;
            return;
        }
        if (listener != Listener.MANAGEMENT) {
            Cors.addTo(cors(), r.headers(), response.headers()::set);
        }
        if (r.method().equals(HttpMethod.HEAD)) {
            // a HEAD answer has headers only (content-length stays: the size a GET would get); the encoder does
            // not track request methods, so the body is dropped here
            var headOnly = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
            response = headOnly;
        }
        Responses.write(ctx, response, r.keepAlive() && !state.isDraining());
        next(ctx);
    }

    private CorsConfig cors() {
        return runtime.current().config().server().cors();
    }

    private void requestDone(ChannelHandlerContext ctx) {
        inFlight = null;
        inFlightSink = null;
        state.requestFinished();
        next(ctx);
    }

    /** Serves the next pipelined request, if any. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        Request nextRequest = pending.poll();
        if (nextRequest != null && ctx.channel().isActive()) {
            ctx.executor().execute(() -> serve(ctx, nextRequest));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ClientResponseSink sink = inFlightSink;
        if (sink != null) {
            sink.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        DefaultExchange ex = inFlight;
        if (ex != null) {
            // The client went away: cancel the upstream call and let the chain record a 499.
            inFlight = null;
            inFlightSink = null;
            state.requestFinished();
            ex.cancel();
        }
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof javax.net.ssl.SSLException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            // plain HTTP on the HTTPS port, a scanner, a client that does not trust the certificate: theirs to see
            log.debug("TLS with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else if (!(cause instanceof java.io.IOException) && !(cause instanceof PrematureChannelClosureException)) {
            // a client that goes away mid-request is no news: the request is counted (499), not logged
            log.warn("closing client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    static @Nullable ApiKind apiFor(String path) {
        return switch (path) {
            case "/v1/chat/completions" -> ApiKind.CHAT_COMPLETIONS;
            case "/v1/completions" -> ApiKind.COMPLETIONS;
            case "/v1/embeddings" -> ApiKind.EMBEDDINGS;
            case "/v1/responses" -> ApiKind.RESPONSES;
            case "/v1/messages" -> ApiKind.MESSAGES;
            default -> null;
        };
    }

    /** The client's {@code x-request-id} when it is a sane token, else a new random one. */
    static String requestId(Headers headers) {
        String given = headers.get("x-request-id");
        if (given != null && given.length() <= 128 && !given.isEmpty() && given.chars().allMatch(c ->
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':')) {
            return given;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    /** {@code s} fit to quote in an error message: printable ASCII, at most 200 characters. */
    static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
    }
}
