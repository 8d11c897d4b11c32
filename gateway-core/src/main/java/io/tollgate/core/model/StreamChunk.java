package io.tollgate.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event of a streamed answer, in the response's canonical format (an OpenAI
 * {@code chat.completion.chunk} for chat; the vendor's own event when a request passes natively).
 *
 * <p>{@link #data()} is the SSE data payload as it will be written; it is parsed only if someone
 * asks for {@link #json()}. The provider's stream translator sets {@link #usage()} on the chunk that
 * carries usage, so metering never parses chunks itself. Immutable; replace a chunk with
 * {@link #withData} to change it.
 */
public final class StreamChunk {

    private final @Nullable String event;
    private final byte[] data;
    private final @Nullable TokenUsage usage;
    private final boolean usageOnly;
    private @Nullable JsonNode json;

    private StreamChunk(@Nullable String event, byte[] data, @Nullable TokenUsage usage, boolean usageOnly, @Nullable JsonNode json) {
        this.event = event;
        this.data = Objects.requireNonNull(data, "data");
        this.usage = usage;
        this.usageOnly = usageOnly;
        this.json = json;
    }

    public static StreamChunk of(byte[] data) {
        return new StreamChunk(null, data, null, false, null);
    }

    public static StreamChunk of(JsonNode json) {
        return new StreamChunk(null, Json.bytes(json), null, false, json);
    }

    /** A chunk with an SSE {@code event:} name (Anthropic's wire format). */
    public static StreamChunk event(String event, byte[] data) {
        return new StreamChunk(event, data, null, false, null);
    }

    /** The same chunk, telling metering how many tokens the stream has used so far (or in all). */
    public StreamChunk withUsage(TokenUsage usage) {
        return new StreamChunk(event, data, usage, usageOnly, json);
    }

    /**
     * Marks the chunk that exists only because the gateway asked upstream for usage
     * ({@code stream_options.include_usage}) when the client did not: it is metered, then dropped.
     */
    public StreamChunk asUsageOnly() {
        return new StreamChunk(event, data, usage, true, json);
    }

    public StreamChunk withData(byte[] newData) {
        return new StreamChunk(event, newData, usage, usageOnly, null);
    }

    public @Nullable String event() {
        return event;
    }

    public byte[] data() {
        return data;
    }

    public @Nullable TokenUsage usage() {
        return usage;
    }

    public boolean isUsageOnly() {
        return usageOnly;
    }

    /** The payload parsed (once); an empty object if it is not JSON. */
    public JsonNode json() {
        JsonNode j = json;
        if (j == null) {
            try {
                j = Json.parseAnswer(data);
            } catch (IOException e) {
                j = Json.object();
            }
            json = j;
        }
        return j;
    }

    /** Convenience for translators that build chunks as trees. */
    public static StreamChunk of(ObjectNode json, @Nullable TokenUsage usage) {
        StreamChunk c = of(json);
        return usage == null ? c : c.withUsage(usage);
    }

    @Override
    public String toString() {
        return (event == null ? "" : "event: " + event + " ") + "data: " + new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Thrown by translators on payloads that are not what the vendor documents. */
    public static UncheckedIOException malformed(String what, Exception cause) {
        return new UncheckedIOException(new IOException(what, cause));
    }
}
