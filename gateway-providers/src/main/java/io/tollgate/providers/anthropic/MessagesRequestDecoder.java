package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.providers.openai.ChatContent;

/**
 * Checks an Anthropic Messages request and translates it to the canonical OpenAI chat shape (what
 * filters read, and what non-Anthropic targets get). Thinking blocks, {@code cache_control},
 * {@code top_k} and document blocks have no chat equivalent: they survive only on the native path.
 */
final class MessagesRequestDecoder {

    private MessagesRequestDecoder() {}

    static void validate(ObjectNode req) {
        JsonNode model = req.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw ChatContent.invalid("model: Field required (a string).", "model");
        }
        JsonNode max = req.get("max_tokens");
        if (max == null || !max.isIntegralNumber() || max.asLong() < 1) {
            throw ChatContent.invalid("max_tokens: Field required (an integer >= 1).", "max_tokens");
        }
        JsonNode messages = req.get("messages");
        if (messages == null || !messages.isArray()) {
            throw ChatContent.invalid("messages: Field required (an array of messages).", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ChatContent.invalid("messages." + i + ".role: must be 'user' or 'assistant'.", "messages." + i + ".role");
            }
            JsonNode c = m.get("content");
            if (c == null || !(c.isTextual() || c.isArray())) {
                throw ChatContent.invalid("messages." + i + ".content: must be a string or an array of content blocks.", "messages." + i + ".content");
            }
        }
        JsonNode system = req.get("system");
        if (system != null && !system.isNull() && !(system.isTextual() || system.isArray())) {
            throw ChatContent.invalid("system: must be a string or an array of text blocks.", "system");
        }
        JsonNode stream = req.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw ChatContent.invalid("stream: must be a boolean.", "stream");
        }
        JsonNode tools = req.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw ChatContent.invalid("tools: must be an array.", "tools");
        }
    }

    static ObjectNode toChat(ObjectNode req) {
        ObjectNode chat = Json.object();
        chat.put("model", req.get("model").asText());
        ArrayNode messages = chat.putArray("messages");
        JsonNode system = req.get("system");
        if (system != null && !system.isNull()) {
            String text = system.isTextual() ? system.asText() : joinText(system);
            if (!text.isEmpty()) messages.addObject().put("role", "system").put("content", text);
        }
        for (JsonNode m : req.get("messages")) {
            if (m.path("role").asText().equals("user")) userTurn(m.get("content"), messages);
            else assistantTurn(m.get("content"), messages);
        }
        chat.put("max_tokens", req.get("max_tokens").asInt());
        copy(req, chat, "temperature", "temperature");
        copy(req, chat, "top_p", "top_p");
        copy(req, chat, "stop_sequences", "stop");
        if (req.path("stream").asBoolean(false)) chat.put("stream", true);
        String user = req.path("metadata").path("user_id").asText("");
        if (!user.isEmpty()) chat.put("user", user);
        // the gateway's prompt reference (SPEC §3): the prompt filter renders it and strips it
        if (req.has("prompt")) chat.set("prompt", req.get("prompt").deepCopy());
        JsonNode tools = req.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (JsonNode t : tools) {
                if (!t.path("name").isTextual() || t.has("type") && !t.path("type").asText().equals("custom")) {
                    continue;   // server tools (web_search, bash, ...) exist only on Anthropic: native path only
                }
                ObjectNode fn = out.addObject().put("type", "function").putObject("function");
                fn.put("name", t.get("name").asText());
                if (t.path("description").isTextual()) fn.put("description", t.get("description").asText());
                fn.set("parameters", t.path("input_schema").isObject() ? t.get("input_schema").deepCopy() : Json.object().put("type", "object"));
            }
        }
        JsonNode tc = req.get("tool_choice");
        if (tc != null && tc.isObject()) {
            switch (tc.path("type").asText()) {
                case "auto" -> chat.put("tool_choice", "auto");
                case "any" -> chat.put("tool_choice", "required");
                case "none" -> chat.put("tool_choice", "none");
                case "tool" -> chat.putObject("tool_choice").put("type", "function").putObject("function").put("name", tc.path("name").asText());
                default -> { }
            }
            if (tc.path("disable_parallel_tool_use").asBoolean(false)) chat.put("parallel_tool_calls", false);
        }
        return chat;
    }

    private static void userTurn(JsonNode content, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = Json.NODES.arrayNode();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "tool_result" -> {
                    ObjectNode tool = messages.addObject();
                    tool.put("role", "tool");
                    tool.put("tool_call_id", block.path("tool_use_id").asText());
                    JsonNode c = block.get("content");
                    String text = c == null || c.isNull() ? "" : c.isTextual() ? c.asText() : joinText(c);
                    tool.put("content", block.path("is_error").asBoolean(false) ? "Error: " + text : text);
                }
                case "text" -> parts.addObject().put("type", "text").put("text", block.path("text").asText());
                case "image" -> {
                    JsonNode src = block.path("source");
                    String url = "url".equals(src.path("type").asText())
                            ? src.path("url").asText()
                            : "data:" + src.path("media_type").asText() + ";base64," + src.path("data").asText();
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                }
                default -> { }   // documents, search results: native path only
            }
        }
        if (!parts.isEmpty()) {
            boolean textOnly = parts.size() == 1 && "text".equals(parts.get(0).path("type").asText());
            ObjectNode user = messages.addObject().put("role", "user");
            if (textOnly) user.put("content", parts.get(0).path("text").asText());
            else user.set("content", parts);
        }
    }

    private static void assistantTurn(JsonNode content, ArrayNode messages) {
        ObjectNode msg = messages.addObject().put("role", "assistant");
        if (content.isTextual()) {
            msg.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.addObject()
                        .put("id", block.path("id").asText())
                        .put("type", "function")
                        .putObject("function")
                        .put("name", block.path("name").asText())
                        .put("arguments", Json.string(block.path("input").isObject() ? block.get("input") : Json.object()));
                default -> { }   // thinking blocks: dropped when translating
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) msg.putNull("content");
        else msg.put("content", text.toString());
        if (!calls.isEmpty()) msg.set("tool_calls", calls);
    }

    private static String joinText(JsonNode blocks) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode b : blocks) {
            if ("text".equals(b.path("type").asText())) {
                if (!sb.isEmpty()) sb.append("\n\n");
                sb.append(b.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static void copy(ObjectNode from, ObjectNode to, String f, String t) {
        JsonNode v = from.get(f);
        if (v != null && !v.isNull()) to.set(t, v.deepCopy());
    }
}
