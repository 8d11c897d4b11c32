package io.tollgate.core.api;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;

/** Writes one answer in the client's format. One instance per request; not thread-safe. */
public interface ResponseEncoder {

    /** A unary answer's body. */
    byte[] unary(GatewayResponse response);

    /** The SSE frame(s) for one canonical chunk; empty to write nothing. */
    byte[] chunk(StreamChunk chunk);

    /** What ends a successful stream ({@code data: [DONE]} for OpenAI). */
    byte[] end();

    /** An error answer's JSON body. */
    byte[] error(GatewayError error);

    /** The SSE frame that ends a stream that failed after its first byte. */
    byte[] streamError(GatewayError error);
}
