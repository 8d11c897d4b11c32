package io.tollgate.providers.openai;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.provider.ChunkSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records what a stream translator emitted, in a form tests can compare. */
public final class CollectingSink implements ChunkSink {

    public final List<StreamChunk> chunks = new ArrayList<>();
    public final List<GatewayError> errors = new ArrayList<>();

    @Override
    public void chunk(StreamChunk chunk) {
        chunks.add(chunk);
    }

    @Override
    public void error(GatewayError error) {
        errors.add(error);
    }

    /** event, data, usage and usage-only flag of each chunk, comparable with equals. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (StreamChunk c : chunks) {
            out.add(c.event() + "|" + new String(c.data(), StandardCharsets.UTF_8) + "|" + c.usage() + "|" + c.isUsageOnly());
        }
        return out;
    }
}
