package io.tollgate.core.provider;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * An incremental server-sent-events parser (the WHATWG event-stream format): bytes in any split,
 * {@code \n}, {@code \r\n} or {@code \r} line ends, multi-line {@code data}, comments and unknown
 * fields ignored. Data stays bytes: nothing is decoded into strings on the hot path except the
 * (short) event name.
 */
public final class SseDecoder {

    /** Receives each complete event. */
    @FunctionalInterface
    public interface Handler {
        void onEvent(@Nullable String event, byte[] data);
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);
    private @Nullable String event;
    private boolean hasData;
    private boolean lastWasCr;

    public void feed(ByteBuffer bytes, Handler handler) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (lastWasCr) {
                lastWasCr = false;
                if (b == '\n') {
                    continue;   // the \n of a \r\n pair
                }
            }
            if (b == '\n' || b == '\r') {
                lastWasCr = b == '\r';
                endLine(handler);
            } else {
                line.write(b);
            }
        }
    }

    /** At end of body: dispatches a last event that had no blank line after it. */
    public void end(Handler handler) {
        if (line.size() > 0) {
            endLine(handler);
        }
        dispatch(handler);
    }

    private void endLine(Handler handler) {
        if (line.size() == 0) {
            dispatch(handler);
            return;
        }
        byte[] l = line.toByteArray();
        line.reset();
        if (l[0] == ':') {
            return;   // comment (keep-alive)
        }
        int colon = indexOf(l, (byte) ':');
        String field = new String(l, 0, colon < 0 ? l.length : colon, StandardCharsets.US_ASCII);
        int valueStart = colon < 0 ? l.length : colon + 1;
        if (valueStart < l.length && l[valueStart] == ' ') {
            valueStart++;
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.write('\n');
                }
                data.write(l, valueStart, l.length - valueStart);
                hasData = true;
            }
            case "event" -> event = new String(l, valueStart, l.length - valueStart, StandardCharsets.UTF_8);
            default -> { }   // id, retry and unknown fields carry nothing the gateway uses
        }
    }

    private void dispatch(Handler handler) {
        if (!hasData && event == null) {
            return;
        }
        byte[] payload = data.toByteArray();
        String name = event;
        data.reset();
        hasData = false;
        event = null;
        handler.onEvent(name, payload);
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** True for OpenAI's end marker {@code [DONE]}. */
    public static boolean isDone(byte[] data) {
        return data.length == 6 && data[0] == '[' && data[1] == 'D' && data[2] == 'O' && data[3] == 'N' && data[4] == 'E' && data[5] == ']';
    }
}
