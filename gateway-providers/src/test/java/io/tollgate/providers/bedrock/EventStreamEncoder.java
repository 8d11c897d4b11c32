package io.tollgate.providers.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Test-side encoder of AWS event-stream frames, written from the documented format (prelude: total
 * length, headers length, prelude CRC32; string headers type 7 with a 2-byte length; payload; message
 * CRC32; all big-endian), independent of the decoder under test.
 */
final class EventStreamEncoder {

    private EventStreamEncoder() {}

    static byte[] frame(Map<String, String> headers, String payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            h.write(7);
            h.write(value.length >> 8);
            h.write(value.length & 0xFF);
            h.writeBytes(value);
        }
        byte[] hb = h.toByteArray();
        byte[] pb = payload.getBytes(StandardCharsets.UTF_8);
        int total = 12 + hb.length + pb.length + 4;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(total).putInt(hb.length);
        b.putInt((int) crc(b.array(), 0, 8));
        b.put(hb).put(pb);
        b.putInt((int) crc(b.array(), 0, total - 4));
        return b.array();
    }

    static byte[] event(String eventType, String payload) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":event-type", eventType);
        h.put(":content-type", "application/json");
        h.put(":message-type", "event");
        return frame(h, payload);
    }

    static byte[] exception(String exceptionType, String message) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":exception-type", exceptionType);
        h.put(":content-type", "application/json");
        h.put(":message-type", "exception");
        return frame(h, "{\"message\":\"" + message + "\"}");
    }

    static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) out.writeBytes(f);
        return out.toByteArray();
    }

    private static long crc(byte[] b, int from, int len) {
        CRC32 c = new CRC32();
        c.update(b, from, len);
        return c.getValue();
    }
}
