package io.tollgate.bench;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;

/** The client side of a benchmarked chain: takes every answer and drops it; an error means the benchmark is broken. */
final class DiscardingSink implements ResponseSink {

    @Override public void unary(GatewayResponse response) { }
    @Override public void streamStart(GatewayResponse head) { }
    @Override public void chunk(StreamChunk chunk) { }
    @Override public void streamEnd() { }
    @Override public void fail(GatewayError error) { throw new IllegalStateException(error.message()); }
    @Override public boolean isWritable() { return true; }
    @Override public void onWritable(Runnable resume) { resume.run(); }
}
