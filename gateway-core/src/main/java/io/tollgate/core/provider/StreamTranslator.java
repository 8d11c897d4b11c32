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
}
