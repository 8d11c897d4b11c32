package io.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ChunkSink;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.providers.openai.ChatChunks;
import io.tollgate.providers.openai.OpenAiUsage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ConverseStream (AWS event-stream frames) -> OpenAI {@code chat.completion.chunk}s: a role chunk on
 * messageStart, text and tool-call deltas, the finish chunk on messageStop, and at the end a usage chunk
 * ({@code choices: []}) from the metadata event, marked usage-only unless the client asked for it.
 * Exception frames, a bad CRC or a body ending before messageStop end the stream with an error.
 */
final class BedrockStreamTranslator implements StreamTranslator {

    private final EventStreamDecoder decoder = new EventStreamDecoder();
    private final boolean clientWantsUsage;
    private final ChatChunks chunks;
    private TokenUsage usage = TokenUsage.ZERO;
    private boolean started;
    private boolean stopped;
    private boolean failed;
    /** Converse contentBlockIndex -> OpenAI tool_calls index, for toolUse blocks. */
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();

    BedrockStreamTranslator(boolean clientWantsUsage, long createdEpochSeconds, String model) {
        this.clientWantsUsage = clientWantsUsage;
        // ConverseStream carries no message id
        this.chunks = new ChatChunks("chatcmpl-bedrock-" + createdEpochSeconds, createdEpochSeconds, model);
    }

    @Override
    public void feed(ByteBuffer bytes, ChunkSink out) {
        if (failed) return;
        try {
            decoder.feed(bytes, m -> onMessage(m, out));
        } catch (EventStreamDecoder.MalformedFrameException e) {
            fail(out, GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "Bedrock sent a corrupt event-stream frame: " + e.getMessage() + ".",
                    FailureClass.SERVER_ERROR, null));
        }
    }

    @Override
    public void end(ChunkSink out) {
        if (failed) return;
        if (!stopped || decoder.hasPartial()) {
            fail(out, GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Bedrock's stream ended before messageStop: the answer is incomplete.", FailureClass.SERVER_ERROR, null));
            return;
        }
        out.chunk(chunks.usage(OpenAiUsage.toChatUsage(usage), usage, clientWantsUsage));
    }

    private void onMessage(EventStreamDecoder.Message m, ChunkSink out) {
        if (failed) return;
        String messageType = m.headers().getOrDefault(":message-type", "event");
        JsonNode json;
        try {
            json = m.payload().length == 0 ? Json.object() : Json.parseAnswer(m.payload());
        } catch (IOException e) {
            fail(out, GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "Bedrock sent a stream event that is not JSON.", FailureClass.SERVER_ERROR, null));
            return;
        }
        if (!messageType.equals("event")) {
            String type = m.headers().getOrDefault(":exception-type", m.headers().getOrDefault(":error-code", "unknown"));
            String message = json.path("message").asText(m.headers().getOrDefault(":error-message", ""));
            fail(out, streamError(type, message));
            return;
        }
        String eventType = m.headers().getOrDefault(":event-type", "");
        if (json.has(eventType) && json.size() == 1) {
            json = json.get(eventType);   // tolerate the SDK-style wrapped shape {"<eventType>": {...}} as well as the wire's bare one
        }
        switch (eventType) {
            case "messageStart" -> {
                if (!started) {
                    started = true;
                    out.chunk(chunks.role(0));
                }
            }
            case "contentBlockStart" -> {
                JsonNode use = json.path("start").path("toolUse");
                if (use.isObject()) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(json.path("contentBlockIndex").asInt(), toolIndex);
                    out.chunk(chunks.toolCallStart(toolIndex, use.path("toolUseId").asText(), use.path("name").asText()));
                }
            }
            case "contentBlockDelta" -> {
                JsonNode delta = json.path("delta");
                if (delta.path("text").isTextual()) {
                    out.chunk(chunks.text(0, delta.get("text").asText()));
                } else if (delta.path("toolUse").isObject()) {
                    Integer toolIndex = toolIndexByBlock.get(json.path("contentBlockIndex").asInt());
                    String fragment = delta.get("toolUse").path("input").asText("");
                    if (toolIndex != null && !fragment.isEmpty()) {
                        out.chunk(chunks.toolCallArguments(toolIndex, fragment));
                    }
                }
                // reasoningContent deltas: no chat-completion equivalent
            }
            case "messageStop" -> {
                stopped = true;
                out.chunk(chunks.finish(0, BedrockResponses.finishReason(json.path("stopReason").asText("end_turn"))));
            }
            case "metadata" -> usage = BedrockResponses.usage(json.path("usage"));
            default -> { }   // contentBlockStop and future event types carry nothing to translate
        }
    }

    static GatewayError streamError(String exceptionType, String message) {
        int status = switch (exceptionType.toLowerCase(Locale.ROOT)) {
            case "throttlingexception" -> 429;
            case "validationexception" -> 400;
            case "accessdeniedexception" -> 403;
            default -> 500;   // serviceUnavailableException, internalServerException, modelStreamErrorException
        };
        return BedrockErrors.classify(status, exceptionType, message);
    }

    private void fail(ChunkSink out, GatewayError error) {
        failed = true;
        out.error(error);
    }
}
