package io.tollgate.core.provider;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.StreamChunk;

/** Where a {@link StreamTranslator} puts what it decoded. */
public interface ChunkSink {

    void chunk(StreamChunk chunk);

    /** The vendor reported an error inside the stream (Anthropic's {@code event: error}). */
    void error(GatewayError error);
}
