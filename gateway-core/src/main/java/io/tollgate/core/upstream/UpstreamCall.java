package io.tollgate.core.upstream;

/** A handle on an attempt in flight. Call on the request's event loop. */
public interface UpstreamCall {

    /** Stops the attempt and closes (or discards) its connection; the listener hears nothing more. */
    void cancel();

    /** Backpressure: stop reading the upstream socket (the client is slow). */
    void pause();

    void resume();
}
