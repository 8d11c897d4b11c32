package io.tollgate.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyBufferTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void piecesArriveInOrderWithoutADeclaredLength() {
        BodyBuffer body = new BodyBuffer();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {   // grows past the first allocation several times
            String piece = "piece-" + i + ";";
            expected.append(piece);
            body.append(bytes(piece));
        }
        assertThat(body.size()).isEqualTo(expected.length());
        assertThat(new String(body.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void aDeclaredLengthThatIsExactIsServedWithoutACopy() {
        BodyBuffer body = new BodyBuffer();
        body.expect(10);
        body.append(bytes("01234"));
        body.append(bytes("56789"));
        byte[] first = body.toByteArray();
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("0123456789");
        assertThat(body.toByteArray()).isSameAs(first);
    }

    @Test
    void aDeclaredLengthThatLiesEitherWayStillYieldsExactlyWhatArrived() {
        BodyBuffer shorter = new BodyBuffer();
        shorter.expect(4);
        shorter.append(bytes("more than four"));
        assertThat(new String(shorter.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("more than four");

        BodyBuffer longer = new BodyBuffer();
        longer.expect(1000);
        longer.append(bytes("short"));
        assertThat(longer.toByteArray()).hasSize(5);
    }

    @Test
    void anAbsurdDeclaredLengthIsNotAllocatedUpFront() {
        BodyBuffer body = new BodyBuffer();
        body.expect(Long.MAX_VALUE);
        body.expect(-1);
        body.append(bytes("ok"));
        assertThat(new String(body.toByteArray(), StandardCharsets.UTF_8)).isEqualTo("ok");
    }
}
