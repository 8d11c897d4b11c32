package io.tollgate.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

    private static final String STREAM = ": keep-alive\r\n"
            + "event: message_start\r\ndata: {\"a\":1}\r\n\r\n"
            + "data: line one\ndata:line two\nid: 7\nretry: 100\n\n"
            + "event: ping\rdata\r\r"
            + "data: {\"emoji\":\"é🙂\"}\n\n"
            + "data: [DONE]";   // no blank line after the last event: end() dispatches it

    private static final List<String> EXPECTED = List.of(
            "message_start|{\"a\":1}", "null|line one\nline two", "ping|", "null|{\"emoji\":\"é🙂\"}", "null|[DONE]");

    @Test
    void decodesEventsWhateverTheLineEndsAndSplits() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int split = 1; split <= bytes.length; split++) {
            assertThat(decode(bytes, split)).as("fed %d bytes at a time", split).isEqualTo(EXPECTED);
        }
    }

    @Test
    void aDirectBufferAndAWindowIntoALargerOneWork() {
        byte[] bytes = ("xx" + "data: {\"b\":2}\n\n" + "yy").getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        direct.position(2).limit(bytes.length - 2);
        List<String> out = new ArrayList<>();
        SseDecoder d = new SseDecoder();
        d.feed(direct, (event, data) -> out.add(event + "|" + new String(data, StandardCharsets.UTF_8)));
        assertThat(out).containsExactly("null|{\"b\":2}");
        assertThat(direct.position()).isEqualTo(bytes.length - 2);
    }

    @Test
    void aLongLineGrowsTheBuffers() {
        String big = "x".repeat(10_000);
        assertThat(decode(("data: " + big + "\ndata: " + big + "\n\n").getBytes(StandardCharsets.UTF_8), 1000))
                .containsExactly("null|" + big + "\n" + big);
    }

    private static List<String> decode(byte[] bytes, int split) {
        List<String> out = new ArrayList<>();
        SseDecoder d = new SseDecoder();
        SseDecoder.Handler h = (event, data) -> out.add(event + "|" + new String(data, StandardCharsets.UTF_8));
        for (int i = 0; i < bytes.length; i += split) {
            d.feed(ByteBuffer.wrap(bytes, i, Math.min(split, bytes.length - i)), h);
        }
        d.end(h);
        return out;
    }
}
