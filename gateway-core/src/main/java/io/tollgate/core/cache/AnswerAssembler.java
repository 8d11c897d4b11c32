package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code chat.completion} a streamed answer amounts to, from its
 * {@code chat.completion.chunk}s, so a streamed miss can be stored and later served to unary and
 * streaming clients alike. Only plain single-choice text answers are assembled; anything else
 * (tool calls, several choices, refusals, non-chunk events) makes the answer not cacheable.
 */
final class AnswerAssembler {

    private final StringBuilder content = new StringBuilder();
    private @Nullable String id;
    private @Nullable String model;
    private long created;
    private @Nullable String finishReason;
    private @Nullable JsonNode usage;
    private boolean cacheable = true;

    void accept(StreamChunk chunk) {
        if (!cacheable) {
            return;
        }
        JsonNode j = chunk.json();
        // translators may leave "object" out; a named SSE event or another object is a native format
        if (chunk.event() != null || (j.has("object") && !"chat.completion.chunk".equals(j.get("object").asText()))
                || (!j.has("choices") && !j.has("usage"))) {
            cacheable = false;
            return;
        }
        if (id == null) {
            id = j.path("id").asText(null);
            model = j.path("model").asText(null);
            created = j.path("created").asLong();
        }
        if (j.hasNonNull("usage")) {
            usage = j.get("usage");
        }
        for (JsonNode choice : j.path("choices")) {
            JsonNode delta = choice.path("delta");
            if (choice.path("index").asInt() != 0 || delta.has("tool_calls") || delta.hasNonNull("refusal") || delta.has("function_call")) {
                cacheable = false;
                return;
            }
            if (delta.hasNonNull("content")) {
                content.append(delta.get("content").asText());
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
    }

    /** The assembled answer, or null if it cannot be cached (unfinished, or not plain text). */
    @Nullable JsonNode result() {
        if (!cacheable || finishReason == null) {
            return null;
        }
        ObjectNode o = Json.object().put("id", id).put("object", "chat.completion").put("created", created).put("model", model);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content.toString());
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            o.set("usage", usage);
        }
        return o;
    }

    /**
     * Replays a stored {@code chat.completion} as chunks: per choice one delta with the whole
     * message (role, content, tool calls with their index), then one finish chunk per choice, then
     * the usage chunk if the client asked for {@code stream_options.include_usage}.
     */
    static java.util.List<StreamChunk> replay(JsonNode completion, boolean includeUsage) {
        java.util.List<StreamChunk> out = new java.util.ArrayList<>();
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode c = chunkOf(completion);
            ObjectNode ch = c.putArray("choices").addObject();
            ch.put("index", choice.path("index").asInt());
            ObjectNode delta = ch.putObject("delta");
            JsonNode msg = choice.path("message");
            delta.put("role", msg.path("role").asText("assistant"));
            if (msg.has("content")) {
                delta.set("content", msg.get("content"));
            }
            if (msg.hasNonNull("refusal")) {
                delta.set("refusal", msg.get("refusal"));
            }
            if (msg.get("tool_calls") instanceof ArrayNode calls) {
                ArrayNode tc = delta.putArray("tool_calls");
                for (int i = 0; i < calls.size(); i++) {
                    ObjectNode call = ((ObjectNode) calls.get(i)).deepCopy();
                    call.put("index", i);
                    tc.add(call);
                }
            }
            ch.putNull("finish_reason");
            out.add(StreamChunk.of(c));
        }
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode c = chunkOf(completion);
            ObjectNode ch = c.putArray("choices").addObject();
            ch.put("index", choice.path("index").asInt());
            ch.putObject("delta");
            ch.set("finish_reason", choice.path("finish_reason").isMissingNode() ? Json.NODES.textNode("stop") : choice.get("finish_reason"));
            out.add(StreamChunk.of(c));
        }
        if (includeUsage && completion.hasNonNull("usage")) {
            ObjectNode c = chunkOf(completion);
            c.putArray("choices");
            c.set("usage", completion.get("usage"));
            out.add(StreamChunk.of(c));
        }
        return out;
    }

    private static ObjectNode chunkOf(JsonNode completion) {
        return Json.object().put("id", completion.path("id").asText()).put("object", "chat.completion.chunk")
                .put("created", completion.path("created").asLong()).put("model", completion.path("model").asText());
    }
}
