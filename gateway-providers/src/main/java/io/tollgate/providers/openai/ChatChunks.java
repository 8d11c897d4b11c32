package io.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI {@code chat.completion.chunk}s of one stream translated from another vendor's events (Anthropic,
 * Gemini, Bedrock): each carries the stream's id, creation time and model and one choice's delta.
 */
public final class ChatChunks {

    private final long created;
    private String id;
    private String model;

    public ChatChunks(String id, long createdEpochSeconds, String model) {
        this.id = id;
        this.created = createdEpochSeconds;
        this.model = model;
    }

    /** The id the vendor's stream names, for the chunks from here on. */
    public void id(String id) {
        this.id = id;
    }

    /** The model the vendor's stream names, for the chunks from here on. */
    public void model(String model) {
        this.model = model;
    }

    /** The first chunk of a choice: the assistant's role and empty content, as OpenAI opens a stream. */
    public StreamChunk role(int index) {
        return delta(index, Json.object().put("role", "assistant").put("content", ""));
    }

    public StreamChunk text(int index, String text) {
        return delta(index, Json.object().put("content", text));
    }

    /** A tool call's first chunk: its id and function name, the arguments to follow in fragments. */
    public StreamChunk toolCallStart(int toolIndex, String callId, String name) {
        ObjectNode call = Json.object().put("index", toolIndex).put("id", callId).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", "");
        return toolCall(call);
    }

    /** The next piece of a tool call's JSON arguments. */
    public StreamChunk toolCallArguments(int toolIndex, String fragment) {
        ObjectNode call = Json.object().put("index", toolIndex);
        call.putObject("function").put("arguments", fragment);
        return toolCall(call);
    }

    private StreamChunk toolCall(ObjectNode call) {
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(call);
        return delta(0, delta);
    }

    public StreamChunk delta(int index, ObjectNode delta) {
        return StreamChunk.of(chunk(index, delta, null));
    }

    /** A choice's last chunk: an empty delta and why it stopped. */
    public StreamChunk finish(int index, String reason) {
        return StreamChunk.of(chunk(index, Json.object(), reason));
    }

    /**
     * The stream's closing chunk: no choices, {@code usage} in OpenAI's shape, and {@code metered} attached for
     * metering. Sent to the client only when it asked for {@code stream_options.include_usage}.
     */
    public StreamChunk usage(JsonNode usage, TokenUsage metered, boolean clientWantsUsage) {
        ObjectNode c = head();
        c.putArray("choices");
        c.set("usage", usage);
        StreamChunk chunk = StreamChunk.of(c).withUsage(metered);
        return clientWantsUsage ? chunk : chunk.asUsageOnly();
    }

    private ObjectNode chunk(int index, ObjectNode delta, @Nullable String finishReason) {
        ObjectNode c = head();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return c;
    }

    private ObjectNode head() {
        ObjectNode c = Json.object();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }
}
