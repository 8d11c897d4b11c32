package io.tollgate.server.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1MessageTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void aResponseIsStatusLineHeadersLengthAndBodyInOneBuffer() {
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Http1Message.response(429).header("content-type", "application/json").header("retry-after", "3").body(ALLOC, body);
        try {
            assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 429 Too Many Requests\r\n"
                    + "content-type: application/json\r\nretry-after: 3\r\ncontent-length: 11\r\n\r\n{\"ok\":true}");
        } finally {
            buf.release();
        }
    }

    @Test
    void netty_sDecoderReadsWhatItWrites() {
        String longValue = "v".repeat(3000); // past the head estimate: the head grows
        byte[] body = "{\"model\":\"gpt-4o-mini\"}".getBytes(StandardCharsets.UTF_8);
        EmbeddedChannel server = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 20));
        server.writeInbound(Http1Message.request("POST", "/v1/chat/completions?x=1").header("host", "api.example.com:8443")
                .header("x-long", longValue).body(ALLOC, body));
        FullHttpRequest request = server.readInbound();
        try {
            assertThat(request.uri()).isEqualTo("/v1/chat/completions?x=1");
            assertThat(request.headers().get("host")).isEqualTo("api.example.com:8443");
            assertThat(request.headers().get("x-long")).isEqualTo(longValue);
            assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"gpt-4o-mini\"}");
        } finally {
            request.release();
            server.finishAndReleaseAll();
        }
    }

    @Test
    void headerInjectionAndInvalidNamesAreRefused() {
        assertThatThrownBy(() -> Http1Message.response(200).header("x-request-id", "abc\r\nset-cookie: x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0xd");
        assertThatThrownBy(() -> Http1Message.response(200).header("x-ok", "a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Message.response(200).header("bad name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Message.response(200).header("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http1Message.request("GET", "/a b\r\nx")).isInstanceOf(IllegalArgumentException.class);
        // a tab is allowed in a value; a character past Latin-1 becomes '?', as Netty's encoder writes it
        ByteBuf buf = Http1Message.response(200).header("x-v", "a\tb€").body(ALLOC, new byte[0]);
        try {
            assertThat(buf.toString(StandardCharsets.ISO_8859_1)).contains("x-v: a\tb?\r\n");
        } finally {
            buf.release();
        }
    }

    @Test
    void messagesOnOneThreadShareNoBytes() {
        // the thread's head array is reused after body(): a message started meanwhile gets its own
        Http1Message outer = Http1Message.response(200).header("x-outer", "1");
        ByteBuf inner = Http1Message.request("GET", "/a").header("x-inner", "y".repeat(700)).body(ALLOC, new byte[0]);
        ByteBuf outerBuf = outer.header("x-outer-2", "2").body(ALLOC, "o".getBytes(StandardCharsets.US_ASCII));
        ByteBuf next = Http1Message.response(204).body(ALLOC, new byte[0]);
        try {
            assertThat(inner.toString(StandardCharsets.US_ASCII)).isEqualTo("GET /a HTTP/1.1\r\nx-inner: " + "y".repeat(700)
                    + "\r\ncontent-length: 0\r\n\r\n");
            assertThat(outerBuf.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("HTTP/1.1 200 OK\r\nx-outer: 1\r\nx-outer-2: 2\r\ncontent-length: 1\r\n\r\no");
            assertThat(next.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n");
        } finally {
            inner.release();
            outerBuf.release();
            next.release();
        }
    }

    @Test
    void theServerEncoderPassesAPreEncodedAnswerAndStillEncodesNettyMessages() {
        EmbeddedChannel ch = new EmbeddedChannel(new PassThroughResponseEncoder());
        ch.writeOutbound(Http1Message.response(200).body(ALLOC, "a".getBytes(StandardCharsets.US_ASCII)));
        FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                Unpooled.copiedBuffer("b", StandardCharsets.US_ASCII));
        notFound.headers().setInt("content-length", 1);
        ch.writeOutbound(notFound);
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            client.writeInbound(out);
        }
        FullHttpResponse first = client.readInbound();
        FullHttpResponse second = client.readInbound();
        try {
            assertThat(first.status().code()).isEqualTo(200);
            assertThat(first.content().toString(StandardCharsets.US_ASCII)).isEqualTo("a");
            assertThat(second.status().code()).isEqualTo(404);
            assertThat(second.content().toString(StandardCharsets.US_ASCII)).isEqualTo("b");
        } finally {
            first.release();
            second.release();
            ch.finishAndReleaseAll();
            client.finishAndReleaseAll();
        }
    }
}
