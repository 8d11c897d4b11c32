package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ChunkSink;
import io.tollgate.core.provider.SseDecoder;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.providers.openai.ChatChunks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic's Messages event stream -> OpenAI {@code chat.completion.chunk}s, or, on the native
 * path, the Anthropic events themselves with usage attached for metering.
 *
 * <p>Translated order: a role chunk on {@code message_start}; content and tool-call deltas; the
 * finish chunk on {@code message_delta}; a usage chunk ({@code choices: []}) on {@code message_stop},
 * marked usage-only unless the client asked for {@code stream_options.include_usage}.
 */
final class AnthropicStreamTranslator implements StreamTranslator {

    private final SseDecoder sse = new SseDecoder();
    private final boolean passNative;
    private final boolean clientWantsUsage;
    private final ChatChunks chunks;
    private JsonNode startUsage = Json.object();
    private TokenUsage usage = TokenUsage.ZERO;
    /** Anthropic content-block index -> OpenAI tool_calls index, for tool_use blocks. */
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private boolean finished;
    private boolean failed;

    AnthropicStreamTranslator(boolean passNative, boolean clientWantsUsage, long createdEpochSeconds) {
        this.passNative = passNative;
        this.clientWantsUsage = clientWantsUsage;
        this.chunks = new ChatChunks("", createdEpochSeconds, "");
    }

    @Override
    public void feed(ByteBuffer bytes, ChunkSink out) {
        sse.feed(bytes, (event, data) -> onEvent(event, data, out));
    }

    @Override
    public void end(ChunkSink out) {
        sse.end((event, data) -> onEvent(event, data, out));
        if (!finished && !failed) {
            out.error(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Anthropic's stream ended before message_stop: the answer is incomplete.", FailureClass.CONNECTION, null));
            failed = true;
        }
    }

    @Override
    public boolean ended() {
        return finished;   // message_stop: Anthropic sends nothing after it
    }

    private void onEvent(String event, byte[] data, ChunkSink out) {
        if (failed || finished || data.length == 0) return;
        JsonNode json;
        try {
            json = Json.parseAnswer(data);
        } catch (IOException e) {
            // a garbled stream is the upstream's failure: end it with an error, never a half answer
            failed = true;
            out.error(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Anthropic sent a stream event that is not JSON (" + (event == null ? "unnamed" : event) + ").", FailureClass.SERVER_ERROR, null));
            return;
        }
        String type = json.path("type").asText(event == null ? "" : event);
        if (type.equals("ping")) {
            return;
        }
        if (type.equals("error")) {
            failed = true;
            out.error(AnthropicErrors.streamError(json.path("error")));
            return;
        }
        if (passNative) {
            onNativeEvent(type, data, json, out);
            return;
        }
        switch (type) {
            case "message_start" -> {
                JsonNode message = json.path("message");
                chunks.id(message.path("id").asText(""));
                chunks.model(message.path("model").asText(""));
                startUsage = message.path("usage");
                usage = AnthropicUsage.of(startUsage);
                out.chunk(chunks.role(0));
            }
            case "content_block_start" -> {
                JsonNode block = json.path("content_block");
                if ("tool_use".equals(block.path("type").asText())) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(json.path("index").asInt(), toolIndex);
                    out.chunk(chunks.toolCallStart(toolIndex, block.path("id").asText(), block.path("name").asText()));
                } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText("").isEmpty()) {
                    out.chunk(chunks.text(0, block.get("text").asText()));
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = json.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.chunk(chunks.text(0, delta.path("text").asText()));
                    case "input_json_delta" -> {
                        String fragment = delta.path("partial_json").asText("");
                        Integer toolIndex = toolIndexByBlock.get(json.path("index").asInt());
                        if (toolIndex != null && !fragment.isEmpty()) {
                            out.chunk(chunks.toolCallArguments(toolIndex, fragment));
                        }
                    }
                    default -> { }   // thinking_delta, signature_delta, citations: no OpenAI chat equivalent
                }
            }
            case "message_delta" -> {
                mergeUsage(json.path("usage"));
                String stop = json.path("delta").path("stop_reason").asText("end_turn");
                out.chunk(chunks.finish(0, AnthropicUsage.finishReason(stop)));
            }
            case "message_stop" -> {
                finished = true;
                out.chunk(chunks.usage(AnthropicUsage.toOpenAi(usage), usage, clientWantsUsage));
            }
            default -> { }   // content_block_stop and future event types carry nothing to translate
        }
    }

    private void onNativeEvent(String type, byte[] data, JsonNode json, ChunkSink out) {
        StreamChunk c = StreamChunk.event(type, data);
        switch (type) {
            case "message_start" -> {
                startUsage = json.path("message").path("usage");
                usage = AnthropicUsage.of(startUsage);
            }
            case "message_delta" -> {
                mergeUsage(json.path("usage"));
                c = c.withUsage(usage);   // the one chunk metering counts
            }
            case "message_stop" -> finished = true;
            default -> { }
        }
        out.chunk(c);
    }

    /** message_delta usage is cumulative; older streams carry only output_tokens there. */
    private void mergeUsage(JsonNode delta) {
        if (delta.isMissingNode() || delta.isNull()) return;
        ObjectNode merged = startUsage.isObject() ? ((ObjectNode) startUsage).deepCopy() : Json.object();
        for (Map.Entry<String, JsonNode> e : delta.properties()) {
            if (!e.getValue().isNull()) merged.set(e.getKey(), e.getValue());
        }
        startUsage = merged;
        usage = AnthropicUsage.of(merged);
    }
}
