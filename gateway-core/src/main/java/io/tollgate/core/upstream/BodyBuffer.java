package io.tollgate.core.upstream;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Collects an upstream body that arrives in pieces. Sized up front from the answer's
 * {@code Content-Length} when it has one, so the common unary answer is copied once, from the
 * network buffer into the array that the adapter then reads, instead of three times.
 */
public final class BodyBuffer {

    /** A declared length above this is not trusted for the initial allocation (the array still grows to fit). */
    private static final int MAX_PRESIZE = 4 * 1024 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    private int size;

    /** Reserves room for {@code expected} bytes (a Content-Length; ignored when negative or huge). */
    public void expect(long expected) {
        if (expected > bytes.length && expected <= MAX_PRESIZE) {
            bytes = Arrays.copyOf(bytes, (int) expected);
        }
    }

    /** Appends what remains in {@code data}, consuming it. */
    public void append(ByteBuffer data) {
        int n = data.remaining();
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + n, Math.max(256, bytes.length * 2)));
        }
        data.get(bytes, size, n);
        size += n;
    }

    public int size() {
        return size;
    }

    /** The bytes collected so far: the buffer itself when it is exactly full (no copy). */
    public byte[] toByteArray() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
