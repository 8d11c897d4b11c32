package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;

/**
 * Anthropic reports plain input, cache reads and cache writes apart; the gateway's
 * {@link TokenUsage#inputTokens()} (and OpenAI's {@code prompt_tokens}) include all three.
 */
final class AnthropicUsage {

    private AnthropicUsage() {}

    static TokenUsage of(JsonNode usage) {
        long plain = usage.path("input_tokens").asLong(0);
        long read = usage.path("cache_read_input_tokens").asLong(0);
        long write = usage.path("cache_creation_input_tokens").asLong(0);
        return new TokenUsage(plain + read + write, usage.path("output_tokens").asLong(0), read, write, 0);
    }

    /** OpenAI's usage object for {@code usage}. */
    static ObjectNode toOpenAi(TokenUsage usage) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        return u;
    }

    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";   // end_turn, stop_sequence, pause_turn
        };
    }
}
