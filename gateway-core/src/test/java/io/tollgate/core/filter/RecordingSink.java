package io.tollgate.core.filter;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;
import java.util.ArrayList;
import java.util.List;

/** A client sink that records what the chain sends. */
public final class RecordingSink implements ResponseSink {

    public final List<String> events = new ArrayList<>();
    public final List<StreamChunk> chunks = new ArrayList<>();
    public GatewayError error;

    @Override public void unary(GatewayResponse response) { events.add("unary " + response.status()); }
    @Override public void streamStart(GatewayResponse head) { events.add("start"); }
    @Override public void chunk(StreamChunk chunk) { chunks.add(chunk); events.add("chunk"); }
    @Override public void streamEnd() { events.add("end"); }
    @Override public void fail(GatewayError e) { error = e; events.add("fail " + e.status()); }
    @Override public boolean isWritable() { return true; }
    @Override public void onWritable(Runnable resume) { resume.run(); }
}
