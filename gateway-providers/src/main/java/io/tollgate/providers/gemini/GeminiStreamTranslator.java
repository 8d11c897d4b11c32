package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ChunkSink;
import io.tollgate.core.provider.SseDecoder;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.providers.openai.ChatChunks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Gemini's {@code streamGenerateContent?alt=sse} -> OpenAI {@code chat.completion.chunk}s. Every
 * {@code data:} is a whole {@code GenerateContentResponse} holding the next piece of each candidate.
 *
 * <p>Order: a role chunk first; text and tool-call deltas (Gemini sends a function call whole, so its
 * arguments arrive in one delta); a finish chunk per candidate when it carries a finishReason; at the
 * end of the body a usage chunk ({@code choices: []}), marked usage-only unless the client asked for
 * {@code stream_options.include_usage}. Gemini has no end-of-stream event: a body that ends before
 * every started candidate finished is an incomplete answer and ends with an error.
 */
final class GeminiStreamTranslator implements StreamTranslator {

    private final SseDecoder sse = new SseDecoder();
    private final boolean clientWantsUsage;
    private final ChatChunks chunks;
    private final String fallbackModel;
    private TokenUsage usage = TokenUsage.ZERO;
    private boolean started;
    private boolean failed;
    private final Set<Integer> open = new HashSet<>();
    private final Set<Integer> finishedCandidates = new HashSet<>();
    /** candidate index -> tool_calls emitted so far for it (the OpenAI delta index). */
    private final Map<Integer, Integer> toolCount = new HashMap<>();
    private final int[] nextCallId = {0};

    GeminiStreamTranslator(boolean clientWantsUsage, long createdEpochSeconds, String fallbackModel) {
        this.clientWantsUsage = clientWantsUsage;
        this.fallbackModel = fallbackModel;
        this.chunks = new ChatChunks("", createdEpochSeconds, fallbackModel);
    }

    @Override
    public void feed(ByteBuffer bytes, ChunkSink out) {
        sse.feed(bytes, (event, data) -> onEvent(data, out));
    }

    @Override
    public void end(ChunkSink out) {
        sse.end((event, data) -> onEvent(data, out));
        if (failed) return;
        if (!started || finishedCandidates.isEmpty() || !open.isEmpty()) {
            failed = true;
            out.error(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Gemini's stream ended without a finishReason: the answer is incomplete.", FailureClass.SERVER_ERROR, null));
            return;
        }
        out.chunk(chunks.usage(GeminiResponses.toOpenAi(usage), usage, clientWantsUsage));
    }

    private void onEvent(byte[] data, ChunkSink out) {
        if (failed || data.length == 0 || SseDecoder.isDone(data)) return;
        JsonNode json;
        try {
            json = Json.parseAnswer(data);
        } catch (IOException e) {
            fail(out, GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "Gemini sent a stream event that is not JSON.", FailureClass.SERVER_ERROR, null));
            return;
        }
        if (json.has("error")) {
            JsonNode err = json.get("error");
            int status = err.path("code").asInt(500);
            fail(out, GeminiErrors.classify(status >= 400 && status <= 599 ? status : 500, err));
            return;
        }
        String blocked = json.path("promptFeedback").path("blockReason").asText("");
        if (!blocked.isEmpty()) {
            fail(out, GeminiErrors.promptBlocked(blocked));
            return;
        }
        if (json.path("usageMetadata").isObject()) usage = GeminiResponses.usage(json.get("usageMetadata"));
        if (json.path("responseId").isTextual()) chunks.id("chatcmpl-" + json.get("responseId").asText());
        if (json.path("modelVersion").isTextual()) chunks.model(json.get("modelVersion").asText(fallbackModel));
        if (!started) {
            started = true;
            out.chunk(chunks.role(0));
        }
        int position = 0;
        for (JsonNode candidate : json.path("candidates")) {
            int index = candidate.path("index").asInt(position++);
            if (finishedCandidates.contains(index)) continue;
            open.add(index);
            GeminiResponses.Content content = GeminiResponses.content(candidate, nextCallId);
            if (!content.text().isEmpty()) {
                out.chunk(chunks.text(index, content.text()));
            }
            if (!content.toolCalls().isEmpty()) {
                ObjectNode delta = Json.object();
                ArrayNode calls = delta.putArray("tool_calls");
                int n = toolCount.getOrDefault(index, 0);
                for (JsonNode call : content.toolCalls()) {
                    ObjectNode withIndex = Json.object().put("index", n++);
                    withIndex.setAll((ObjectNode) call);
                    calls.add(withIndex);
                }
                toolCount.put(index, n);
                out.chunk(chunks.delta(index, delta));
            }
            String reason = candidate.path("finishReason").asText("");
            if (!reason.isEmpty()) {
                open.remove(index);
                finishedCandidates.add(index);
                out.chunk(chunks.finish(index, GeminiResponses.finishReason(reason, toolCount.getOrDefault(index, 0) > 0)));
            }
        }
    }

    private void fail(ChunkSink out, GatewayError error) {
        failed = true;
        out.error(error);
    }
}
