package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;

/** Gemini {@code GenerateContentResponse} pieces -> OpenAI chat shapes; shared by unary and streamed answers. */
final class GeminiResponses {

    private GeminiResponses() {}

    /**
     * Gemini counts thoughts apart from candidates; OpenAI's completion_tokens (and the gateway's
     * outputTokens) include reasoning. Cached prompt tokens are already part of promptTokenCount.
     */
    static TokenUsage usage(JsonNode meta) {
        long thoughts = meta.path("thoughtsTokenCount").asLong(0);
        return new TokenUsage(meta.path("promptTokenCount").asLong(0),
                meta.path("candidatesTokenCount").asLong(0) + thoughts,
                meta.path("cachedContentTokenCount").asLong(0), 0, thoughts);
    }

    static ObjectNode toOpenAi(TokenUsage usage) {
        return io.tollgate.providers.openai.OpenAiUsage.toChatUsage(usage);
    }

    static String finishReason(String geminiReason, boolean calledTools) {
        if (calledTools && (geminiReason.equals("STOP") || geminiReason.isEmpty())) return "tool_calls";
        return switch (geminiReason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> "stop";   // STOP, FINISH_REASON_UNSPECIFIED, OTHER, MALFORMED_FUNCTION_CALL, LANGUAGE
        };
    }

    /** A candidate's text (thought parts excluded) and its function calls as OpenAI tool_calls. */
    record Content(String text, ArrayNode toolCalls) {}

    /** {@code nextCallId} numbers the generated ids ({@code call_<n>}) across a whole answer. */
    static Content content(JsonNode candidate, int[] nextCallId) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("thought").asBoolean(false)) continue;   // thought summaries are not answer text
            if (part.path("text").isTextual()) {
                text.append(part.get("text").asText());
            } else if (part.has("functionCall")) {
                JsonNode fc = part.get("functionCall");
                ObjectNode call = calls.addObject();
                call.put("id", fc.path("id").isTextual() ? fc.get("id").asText() : "call_" + nextCallId[0]++);
                call.put("type", "function");
                call.putObject("function")
                        .put("name", fc.path("name").asText())
                        .put("arguments", Json.string(fc.path("args").isObject() ? fc.get("args") : Json.object()));
            }
        }
        return new Content(text.toString(), calls);
    }

    static ObjectNode toChatCompletion(JsonNode response, TokenUsage usage, long created, String fallbackModel) {
        ObjectNode out = Json.object();
        out.put("id", "chatcmpl-" + response.path("responseId").asText(""));
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", response.path("modelVersion").asText(fallbackModel));
        ArrayNode choices = out.putArray("choices");
        int[] callId = {0};
        int position = 0;
        for (JsonNode candidate : response.path("candidates")) {
            Content c = content(candidate, callId);
            ObjectNode choice = choices.addObject();
            choice.put("index", candidate.path("index").asInt(position++));
            ObjectNode msg = choice.putObject("message");
            msg.put("role", "assistant");
            if (c.text().isEmpty() && !c.toolCalls().isEmpty()) msg.putNull("content");
            else msg.put("content", c.text());
            if (!c.toolCalls().isEmpty()) msg.set("tool_calls", c.toolCalls());
            choice.put("finish_reason", finishReason(candidate.path("finishReason").asText(""), !c.toolCalls().isEmpty()));
        }
        out.set("usage", toOpenAi(usage));
        return out;
    }
}
