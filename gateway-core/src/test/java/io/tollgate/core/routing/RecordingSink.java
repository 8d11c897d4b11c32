package io.tollgate.core.routing;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Records what the router sent, as a list of events ("start 200", "chunk {..}", "end", "fail 502 upstream_error", "unary 200"). */
class RecordingSink implements ResponseSink {

    final List<String> events = new ArrayList<>();
    @Nullable GatewayResponse response;
    @Nullable GatewayError error;
    boolean writable = true;
    @Nullable Runnable onWritable;

    @Override public void unary(GatewayResponse r) { response = r; events.add("unary " + r.status()); }
    @Override public void streamStart(GatewayResponse head) { response = head; events.add("start " + head.status()); }
    @Override public void chunk(StreamChunk chunk) { events.add("chunk " + new String(chunk.data(), StandardCharsets.UTF_8)); }
    @Override public void streamEnd() { events.add("end"); }
    @Override public void fail(GatewayError e) { error = e; events.add("fail " + e.status() + " " + e.code()); }
    @Override public boolean isWritable() { return writable; }
    @Override public void onWritable(Runnable resume) { onWritable = resume; }

    /** True once the request has its final answer. */
    boolean finished() {
        return !events.isEmpty() && (events.getLast().startsWith("unary") || events.getLast().equals("end") || events.getLast().startsWith("fail"));
    }
}
