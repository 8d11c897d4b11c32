package io.tollgate.server.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * A whole HTTP/1.1 message with a known body, start line to last body byte, encoded into one buffer.
 * The proxied call's two writes (the request upstream, the answer to the client) take this path
 * instead of a Netty {@code FullHttpMessage}: no header map is built only to be walked once by an
 * encoder, and the message leaves in one buffer. Upstream channels have no HTTP encoder at all; on the
 * client side {@link PassThroughResponseEncoder} lets the buffer past the one that encodes the rest.
 *
 * <p>The head is gathered in a heap array, one pass per header that checks and copies each character,
 * and goes to the channel's allocator with the body in {@link #body}; nothing needs releasing before.
 * That array is the thread's spare, handed back by {@link #body}: a fresh one per message would be new
 * memory each time, which between calls at low load has left the CPU caches (measured:
 * docs/benchmarks-history.md, session 15).
 * Names must be HTTP tokens and values free of control characters (CR, LF: header injection), as
 * Netty's validating headers require; a character above U+00FF is written as {@code ?}, as Netty does.
 */
public final class Http1Message {

    /** Room for a typical head (a proxied answer's is ~450 bytes); grows when a head is bigger. */
    private static final int HEAD_ESTIMATE = 640;
    /** A spare head that grew beyond this is left to the collector rather than kept by its thread. */
    private static final int MAX_SPARE = 8192;
    private static final boolean[] TOKEN = new boolean[128];
    private static final FastThreadLocal<byte[]> SPARE = new FastThreadLocal<>();
    /** A message's head after {@link #body}: the array went back to the thread. */
    private static final byte[] SPENT = new byte[0];

    static {
        for (char c = '!'; c < 127; c++) {
            TOKEN[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }

    private byte[] head;
    private int size;

    private Http1Message() {
        byte[] spare = SPARE.get();
        if (spare != null) {
            SPARE.set(null);   // this message's until body(): a message built meanwhile gets its own
            head = spare;
        } else {
            head = new byte[HEAD_ESTIMATE];
        }
    }

    /** Starts a response: {@code HTTP/1.1 <status> <reason>}. */
    public static Http1Message response(int status) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        Http1Message m = new Http1Message();
        m.text("HTTP/1.1 ");
        m.text(s.codeAsText());
        m.text(" ");
        m.value(s.reasonPhrase());
        m.crlf();
        return m;
    }

    /** Starts a request: {@code <method> <target> HTTP/1.1}. */
    public static Http1Message request(String method, String target) {
        Http1Message m = new Http1Message();
        m.token(method);
        m.text(" ");
        m.value(target);
        m.text(" HTTP/1.1");
        m.crlf();
        return m;
    }

    /** Adds a header line; {@link IllegalArgumentException} for a name that is not a token or a value with a control character. */
    public Http1Message header(CharSequence name, CharSequence value) {
        token(name);
        text(": ");
        value(value);
        crlf();
        return this;
    }

    /**
     * Ends the head with {@code content-length} and appends the body: the message, in one buffer from {@code alloc}.
     * The message is spent after this.
     */
    public ByteBuf body(ByteBufAllocator alloc, byte[] body) {
        header("content-length", Integer.toString(body.length));
        crlf();
        ByteBuf buf = alloc.buffer(size + body.length);
        buf.writeBytes(head, 0, size);
        buf.writeBytes(body);
        if (head.length <= MAX_SPARE) {
            SPARE.set(head);
        }
        head = SPENT;
        size = 0;
        return buf;
    }

    private void token(CharSequence s) {
        int n = s.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty header name or method");
        }
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TOKEN[c]) {
                throw new IllegalArgumentException("invalid character 0x" + Integer.toHexString(c) + " in header name or method");
            }
            head[size++] = (byte) c;
        }
    }

    private void value(CharSequence s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("invalid control character 0x" + Integer.toHexString(c) + " in a header value");
            }
            head[size++] = c > 0xff ? (byte) '?' : (byte) c;
        }
    }

    /** Our own constant ASCII. */
    private void text(CharSequence s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            head[size++] = (byte) s.charAt(i);
        }
    }

    private void crlf() {
        room(2);
        head[size++] = '\r';
        head[size++] = '\n';
    }

    private void room(int n) {
        if (size + n > head.length) {
            head = Arrays.copyOf(head, Math.max(head.length * 2, size + n));
        }
    }
}
