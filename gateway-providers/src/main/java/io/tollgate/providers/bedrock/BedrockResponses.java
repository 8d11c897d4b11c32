package io.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.providers.openai.OpenAiUsage;

/** Converse answers -> OpenAI chat shapes; shared by the unary and the streamed path. */
final class BedrockResponses {

    private BedrockResponses() {}

    /** Converse's inputTokens excludes cache reads and writes; the gateway's inputTokens includes them. */
    static TokenUsage usage(JsonNode u) {
        long read = u.path("cacheReadInputTokens").asLong(0);
        long write = u.path("cacheWriteInputTokens").asLong(0);
        return new TokenUsage(u.path("inputTokens").asLong(0) + read + write, u.path("outputTokens").asLong(0), read, write, 0);
    }

    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";   // end_turn, stop_sequence
        };
    }

    static ObjectNode toChatCompletion(JsonNode response, TokenUsage usage, long created, String model, String id) {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (JsonNode block : response.path("output").path("message").path("content")) {
            if (block.path("text").isTextual()) {
                text.append(block.get("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                ObjectNode call = calls.addObject();
                call.put("id", use.path("toolUseId").asText());
                call.put("type", "function");
                call.putObject("function").put("name", use.path("name").asText())
                        .put("arguments", Json.string(use.path("input").isObject() ? use.get("input") : Json.object()));
            }
            // reasoningContent, citations, guardContent: no chat-completion equivalent
        }
        if (text.isEmpty() && !calls.isEmpty()) msg.putNull("content");
        else msg.put("content", text.toString());
        if (!calls.isEmpty()) msg.set("tool_calls", calls);
        choice.put("finish_reason", finishReason(response.path("stopReason").asText("end_turn")));
        out.set("usage", OpenAiUsage.toChatUsage(usage));
        return out;
    }
}
