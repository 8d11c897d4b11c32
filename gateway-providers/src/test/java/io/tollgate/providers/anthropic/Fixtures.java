package io.tollgate.providers.anthropic;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.provider.ChunkSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the recorded vendor bodies under src/test/resources/fixtures. */
final class Fixtures {

    private Fixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects what a translator emits. */
    static final class Sink implements ChunkSink {
        final List<StreamChunk> chunks = new ArrayList<>();
        final List<GatewayError> errors = new ArrayList<>();

        @Override
        public void chunk(StreamChunk chunk) {
            chunks.add(chunk);
        }

        @Override
        public void error(GatewayError error) {
            errors.add(error);
        }

        List<String> rendered() {
            return chunks.stream().map(c -> c.toString() + " usage=" + c.usage() + " usageOnly=" + c.isUsageOnly()).toList();
        }
    }
}
