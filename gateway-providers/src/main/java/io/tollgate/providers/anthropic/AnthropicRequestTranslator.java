package io.tollgate.providers.anthropic;

import static io.tollgate.providers.openai.ChatContent.argumentsObject;
import static io.tollgate.providers.openai.ChatContent.copyNumber;
import static io.tollgate.providers.openai.ChatContent.invalid;
import static io.tollgate.providers.openai.ChatContent.textOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.providers.openai.ChatContent;

/**
 * Canonical OpenAI chat request -> Anthropic Messages request. Pure and stateless.
 *
 * <p>What does not map throws a 400 naming the field (never a silent drop of something the client
 * relies on, like {@code n > 1}); sampling knobs Anthropic lacks (penalties, seed, logprobs) are
 * dropped, as every OpenAI-compatible gateway does.
 */
final class AnthropicRequestTranslator {

    /** Anthropic requires max_tokens; OpenAI does not. Used when the client sent neither limit. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicRequestTranslator() {}

    static ObjectNode translate(ObjectNode chat, String upstreamModel) {
        ObjectNode out = Json.object();
        out.put("model", upstreamModel);
        JsonNode limit = chat.hasNonNull("max_completion_tokens") ? chat.get("max_completion_tokens") : chat.get("max_tokens");
        out.put("max_tokens", limit != null && limit.canConvertToInt() && limit.asInt() > 0 ? limit.asInt() : DEFAULT_MAX_TOKENS);

        JsonNode n = chat.get("n");
        if (n != null && n.isNumber() && n.asInt() != 1) {
            throw invalid("Anthropic models return one choice: 'n' must be 1.", "n");
        }

        StringBuilder system = new StringBuilder();
        ArrayNode messages = out.putArray("messages");
        JsonNode in = chat.path("messages");
        for (int i = 0; i < in.size(); i++) {
            JsonNode m = in.get(i);
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) system.append("\n\n");
                    system.append(textOf(m.get("content"), "messages[" + i + "].content"));
                }
                case "user" -> append(messages, "user", userContent(m.get("content"), "messages[" + i + "].content"));
                case "assistant" -> append(messages, "assistant", assistantContent(m, i));
                case "tool" -> {
                    ObjectNode result = Json.object();
                    result.put("type", "tool_result");
                    result.put("tool_use_id", m.path("tool_call_id").asText());
                    JsonNode c = m.get("content");
                    result.put("content", textOf(c, "messages[" + i + "].content"));
                    append(messages, "user", Json.NODES.arrayNode().add(result));
                }
                default -> throw invalid("Unsupported role '" + role + "' for an Anthropic model.", "messages[" + i + "].role");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        copyNumber(chat, "temperature", out, "temperature");
        copyNumber(chat, "top_p", out, "top_p");
        JsonNode stop = chat.get("stop");
        if (stop != null && stop.isTextual()) {
            out.putArray("stop_sequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            out.set("stop_sequences", stop.deepCopy());
        }
        if (chat.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        String user = chat.path("user").isTextual() ? chat.get("user").asText() : null;
        if (user != null && !user.isEmpty()) {
            out.putObject("metadata").put("user_id", user);
        }
        translateTools(chat, out);
        translateResponseFormat(chat, out);
        return out;
    }

    private static void translateTools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode t = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode fn = tools.get(i).path("function");
                if (!fn.path("name").isTextual()) {
                    throw invalid("'tools[" + i + "].function.name' must be a string.", "tools[" + i + "].function.name");
                }
                ObjectNode tool = t.addObject();
                tool.put("name", fn.get("name").asText());
                if (fn.path("description").isTextual()) tool.put("description", fn.get("description").asText());
                JsonNode params = fn.get("parameters");
                tool.set("input_schema", params != null && params.isObject() ? params.deepCopy() : Json.object().put("type", "object"));
            }
        }
        JsonNode choice = chat.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        ObjectNode tc = Json.object();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> tc.put("type", "auto");
                case "none" -> tc.put("type", "none");
                case "required" -> tc.put("type", "any");
                default -> throw invalid("'tool_choice' must be auto, none, required or a named function.", "tool_choice");
            }
        } else if (choice.path("function").path("name").isTextual()) {
            tc.put("type", "tool").put("name", choice.get("function").get("name").asText());
        } else {
            throw invalid("'tool_choice' must be auto, none, required or a named function.", "tool_choice");
        }
        if (chat.path("parallel_tool_calls").isBoolean() && !chat.get("parallel_tool_calls").asBoolean() && !"none".equals(tc.path("type").asText())) {
            tc.put("disable_parallel_tool_use", true);
        }
        out.set("tool_choice", tc);
    }

    /**
     * Anthropic has no response_format on the Messages API we target: the schema (or the JSON demand)
     * goes into the system prompt. Honest best effort, documented in docs/providers.md.
     */
    private static void translateResponseFormat(ObjectNode chat, ObjectNode out) {
        JsonNode rf = chat.get("response_format");
        if (rf == null || !rf.isObject()) return;
        String type = rf.path("type").asText();
        String instruction = switch (type) {
            case "json_object" -> "Respond with a single valid JSON object and nothing else.";
            case "json_schema" -> "Respond with a single valid JSON object and nothing else. It must conform to this JSON Schema:\n"
                    + Json.string(rf.path("json_schema").path("schema"));
            default -> null;
        };
        if (instruction == null) return;
        String system = out.path("system").asText("");
        out.put("system", system.isEmpty() ? instruction : system + "\n\n" + instruction);
    }

    /** Anthropic content blocks: {@code {type: text}} and {@code {type: image, source: base64 | url}}. */
    private static final ChatContent.PartMapper PARTS = new ChatContent.PartMapper() {
        @Override public ObjectNode text(String text) { return Json.object().put("type", "text").put("text", text); }
        @Override public ObjectNode image(String url, String field) { return AnthropicRequestTranslator.image(url, field); }
    };

    private static ArrayNode userContent(JsonNode content, String field) {
        return ChatContent.userParts(content, field, "Anthropic", PARTS);
    }

    private static ObjectNode image(String url, String field) {
        ObjectNode block = Json.object().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            int semi = url.indexOf(";base64,");
            if (semi < 0) {
                throw invalid("'" + field + "' must be a base64 data: URL or an http(s) URL.", field);
            }
            source.put("type", "base64").put("media_type", url.substring(5, semi)).put("data", url.substring(semi + 8));
        } else if (url.startsWith("http://") || url.startsWith("https://")) {
            source.put("type", "url").put("url", url);
        } else {
            throw invalid("'" + field + "' must be a base64 data: URL or an http(s) URL.", field);
        }
        return block;
    }

    private static ArrayNode assistantContent(JsonNode m, int i) {
        ArrayNode blocks = Json.NODES.arrayNode();
        JsonNode content = m.get("content");
        if (content != null && !content.isNull()) {
            String text = textOf(content, "messages[" + i + "].content");
            if (!text.isEmpty()) {
                blocks.addObject().put("type", "text").put("text", text);
            }
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int j = 0; j < calls.size(); j++) {
                JsonNode call = calls.get(j);
                ObjectNode use = blocks.addObject();
                use.put("type", "tool_use");
                use.put("id", call.path("id").asText());
                use.put("name", call.path("function").path("name").asText());
                use.set("input", argumentsObject(call.path("function").path("arguments"), "messages[" + i + "].tool_calls[" + j + "].function.arguments"));
            }
        }
        return blocks;
    }

    /** Anthropic requires alternating roles: consecutive same-role turns become one turn. */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!messages.isEmpty()) {
            ObjectNode last = (ObjectNode) messages.get(messages.size() - 1);
            if (role.equals(last.path("role").asText())) {
                ArrayNode existing = (ArrayNode) last.get("content");
                // tool results must come first in a user turn
                if (blocks.get(0).path("type").asText().equals("tool_result")) {
                    int insertAt = 0;
                    while (insertAt < existing.size() && existing.get(insertAt).path("type").asText().equals("tool_result")) insertAt++;
                    for (JsonNode b : blocks) existing.insert(insertAt++, b);
                } else {
                    existing.addAll(blocks);
                }
                return;
            }
        }
        ObjectNode msg = messages.addObject();
        msg.put("role", role);
        msg.set("content", blocks);
    }

}
