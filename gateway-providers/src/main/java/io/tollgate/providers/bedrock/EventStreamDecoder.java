package io.tollgate.providers.bedrock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * An incremental decoder of AWS's binary event-stream framing ({@code application/vnd.amazon.eventstream}):
 * a 12-byte prelude (total length, headers length, prelude CRC32), headers, payload, message CRC32, all
 * big-endian. Frames may straddle feeds. Both CRCs are checked; a mismatch is a {@link MalformedFrameException}.
 */
final class EventStreamDecoder {

    /** Total length above this is corrupt, not a big event (AWS caps messages at 16 MB). */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final int PRELUDE = 12;
    private static final int MIN_MESSAGE = 16;

    /** One decoded frame: string-valued headers ({@code :event-type}, ...) and the payload bytes. */
    record Message(Map<String, String> headers, byte[] payload) {}

    @FunctionalInterface
    interface Handler {
        void onMessage(Message message);
    }

    static final class MalformedFrameException extends RuntimeException {
        MalformedFrameException(String message) {
            super(message);
        }
    }

    private byte[] buf = new byte[8192];
    private int size;

    void feed(ByteBuffer bytes, Handler handler) {
        int n = bytes.remaining();
        if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        bytes.get(buf, size, n);
        size += n;
        int pos = 0;
        while (size - pos >= PRELUDE) {
            int total = readInt(buf, pos);
            int headersLength = readInt(buf, pos + 4);
            if (crc(buf, pos, 8) != (readInt(buf, pos + 8) & 0xFFFFFFFFL)) {
                throw new MalformedFrameException("event-stream prelude CRC mismatch");
            }
            if (total < MIN_MESSAGE || total > MAX_MESSAGE || headersLength < 0 || headersLength > total - MIN_MESSAGE) {
                throw new MalformedFrameException("event-stream frame lengths are invalid (" + total + "/" + headersLength + ")");
            }
            if (size - pos < total) break;
            if (crc(buf, pos, total - 4) != (readInt(buf, pos + total - 4) & 0xFFFFFFFFL)) {
                throw new MalformedFrameException("event-stream message CRC mismatch");
            }
            Map<String, String> headers = headers(buf, pos + PRELUDE, headersLength);
            int payloadStart = pos + PRELUDE + headersLength;
            byte[] payload = Arrays.copyOfRange(buf, payloadStart, pos + total - 4);
            pos += total;
            handler.onMessage(new Message(headers, payload));
        }
        System.arraycopy(buf, pos, buf, 0, size - pos);
        size -= pos;
    }

    /** True while a partial frame is buffered. */
    boolean hasPartial() {
        return size > 0;
    }

    private static Map<String, String> headers(byte[] b, int from, int length) {
        Map<String, String> out = new HashMap<>();
        int p = from;
        int end = from + length;
        try {
            while (p < end) {
                int nameLength = b[p++] & 0xFF;
                String name = new String(b, p, nameLength, StandardCharsets.UTF_8);
                p += nameLength;
                int type = b[p++];
                switch (type) {
                    case 0, 1 -> out.put(name, String.valueOf(type == 0));
                    case 2 -> p += 1;
                    case 3 -> p += 2;
                    case 4 -> p += 4;
                    case 5, 8 -> p += 8;
                    case 9 -> p += 16;
                    case 6, 7 -> {
                        int len = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
                        p += 2;
                        if (type == 7) out.put(name, new String(b, p, len, StandardCharsets.UTF_8));
                        p += len;
                    }
                    default -> throw new MalformedFrameException("event-stream header type " + type + " is unknown");
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new MalformedFrameException("event-stream headers overrun their length");
        }
        if (p != end) throw new MalformedFrameException("event-stream headers overrun their length");
        return out;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static long crc(byte[] b, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, from, length);
        return crc.getValue();
    }
}
