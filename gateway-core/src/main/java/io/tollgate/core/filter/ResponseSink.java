package io.tollgate.core.filter;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;

/**
 * Where an answer goes: the chain's sink runs the response hooks, then hands everything to the
 * server's sink, which encodes it for the client. Called on the request's event loop only.
 *
 * <p>Exactly one of: {@link #unary}; {@link #fail} (before anything was sent); or
 * {@link #streamStart}, any number of {@link #chunk}s, then {@link #streamEnd} or {@link #fail}.
 * A {@code fail} after {@code streamStart} ends the stream with an SSE error event.
 */
public interface ResponseSink {

    /** A complete successful answer. */
    void unary(GatewayResponse response);

    /** The head of a streamed answer ({@link GatewayResponse#isStreaming()}). */
    void streamStart(GatewayResponse head);

    void chunk(StreamChunk chunk);

    void streamEnd();

    void fail(GatewayError error);

    /** False while the client's socket buffer is full: stop reading upstream until {@link #onWritable}. */
    boolean isWritable();

    /** Runs {@code resume} once on the event loop when the client can take more. */
    void onWritable(Runnable resume);
}
