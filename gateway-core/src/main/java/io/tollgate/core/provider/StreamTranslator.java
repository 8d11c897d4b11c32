package io.tollgate.core.provider;

import java.nio.ByteBuffer;

/**
 * Turns one streamed vendor body into canonical chunks, incrementally: bytes arrive in arbitrary
 * splits (an event may straddle two TCP reads). One instance per attempt; not thread-safe.
 */
public interface StreamTranslator {

    /** Decodes what it can of {@code bytes}, keeping any partial event for the next call. */
    void feed(ByteBuffer bytes, ChunkSink out);

    /** The body ended; flush or complain about a partial event. */
    void end(ChunkSink out);

    /**
     * Whether the vendor's terminal event has been fed (OpenAI's {@code [DONE]}, Anthropic's
     * {@code message_stop}): nothing after it is for the client. The gateway then ends the client's
     * stream at once instead of when the upstream body ends, which some servers delay; the upstream
     * connection is read to its end in the background and reused. False for formats without one.
     */
    default boolean ended() {
        return false;
    }
}
