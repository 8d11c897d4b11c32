package io.tollgate.server.inbound;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.tollgate.core.config.CorsConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * CORS on the client port ({@code server.cors}): the answer to a browser's preflight, and the headers that
 * let a page read an answer. Browsers send the gateway key in {@code Authorization} or {@code x-api-key},
 * never in cookies, so no answer allows credentials and {@code *} can expose every header (the request id,
 * rate-limit and cost headers).
 */
final class Cors {

    static final String METHODS = "GET, POST, PUT, PATCH, DELETE";
    /** A header-name list as a browser sends it in {@code access-control-request-headers}. */
    private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+(\\s*,\\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*");
    private static final int MAX_HEADER_LIST = 2048;

    private Cors() {}

    /** A preflight: {@code OPTIONS} with the {@code Origin} and the method the page wants to send. */
    static boolean isPreflight(HttpMethod method, Headers headers) {
        return method.equals(HttpMethod.OPTIONS) && headers.get("origin") != null && headers.get("access-control-request-method") != null;
    }

    /**
     * The preflight's answer for an allowed origin: 204, the methods the API uses, the headers the page asked
     * for (it may send any: the key's headers, an SDK's own), and how long the browser may reuse the answer.
     * Any other origin gets a 403 that says which setting would let it in: the browser only reports "blocked by
     * CORS policy", but its network panel shows this answer to whoever debugs the page.
     */
    static FullHttpResponse preflight(CorsConfig cors, Headers headers) {
        String origin = String.valueOf(headers.get("origin"));   // present: isPreflight checked
        if (!cors.enabled() || !cors.allows(origin)) {
            String shown = GatewayHandler.clip(origin);
            return Responses.error(GatewayError.of(ErrorCode.ORIGIN_NOT_ALLOWED, cors.enabled()
                    ? "Origin '" + shown + "' is not in server.cors.allow-origins: pages on it may not call the gateway."
                    : "Cross-origin calls are off: list origin '" + shown + "' in server.cors.allow-origins to let its pages call the gateway."));
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
        allowOrigin(cors, origin, r.headers()::set);
        r.headers().set("access-control-allow-methods", METHODS);
        String asked = headers.get("access-control-request-headers");
        if (asked != null && asked.length() <= MAX_HEADER_LIST && HEADER_LIST.matcher(asked.strip()).matches()) {
            r.headers().set("access-control-allow-headers", asked.strip());
        }
        r.headers().set("access-control-max-age", Long.toString(cors.maxAge().toSeconds()));
        return r;
    }

    /**
     * Adds what lets a page on an allowed origin read the answer to {@code request}; nothing for other origins or
     * without one. With CORS off (the default) it reads no header.
     */
    static void addTo(CorsConfig cors, Headers request, BiConsumer<String, String> header) {
        if (!cors.enabled()) {
            return;
        }
        String origin = request.get("origin");
        if (origin == null || !cors.allows(origin)) {
            return;
        }
        allowOrigin(cors, origin, header);
        header.accept("access-control-expose-headers", "*");
    }

    private static void allowOrigin(CorsConfig cors, String origin, BiConsumer<String, String> header) {
        if (cors.anyOrigin()) {
            header.accept("access-control-allow-origin", "*");
        } else {
            header.accept("access-control-allow-origin", origin);
            header.accept("vary", "origin");   // the answer differs by origin: shared caches must key on it
        }
    }
}
