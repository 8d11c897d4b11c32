package io.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.providers.openai.ChatContent;
import java.util.Locale;

/** Canonical OpenAI chat request -> Bedrock Converse request. Pure and stateless. */
final class BedrockRequestTranslator {

    private BedrockRequestTranslator() {}

    static ObjectNode translate(ObjectNode chat) {
        JsonNode n = chat.get("n");
        if (n != null && n.isNumber() && n.asInt() != 1) {
            throw ChatContent.invalid("Bedrock Converse returns one choice: 'n' must be 1.", "n");
        }
        ObjectNode out = Json.object();
        ArrayNode messages = out.putArray("messages");
        ArrayNode system = Json.NODES.arrayNode();
        JsonNode in = chat.path("messages");
        for (int i = 0; i < in.size(); i++) {
            JsonNode m = in.get(i);
            String role = m.path("role").asText();
            String field = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> {
                    String text = ChatContent.textOf(m.get("content"), field + ".content");
                    if (!text.isEmpty()) system.addObject().put("text", text);
                }
                case "user" -> ChatContent.appendTurn(messages, "user", "content", userContent(m.get("content"), field + ".content"));
                case "assistant" -> ChatContent.appendTurn(messages, "assistant", "content", assistantContent(m, field));
                case "tool" -> {
                    ObjectNode block = Json.object();
                    ObjectNode result = block.putObject("toolResult");
                    result.put("toolUseId", m.path("tool_call_id").asText());
                    String text = ChatContent.textOf(m.get("content"), field + ".content");
                    JsonNode json = ChatContent.objectOrNull(text);
                    if (json != null) result.putArray("content").addObject().set("json", json);
                    else result.putArray("content").addObject().put("text", text);
                    ChatContent.appendTurn(messages, "user", "content", Json.NODES.arrayNode().add(block));
                }
                default -> throw ChatContent.invalid("Unsupported role '" + role + "' for a Bedrock model.", field + ".role");
            }
        }
        if (!system.isEmpty()) out.set("system", system);
        ObjectNode inference = Json.object();
        JsonNode limit = chat.hasNonNull("max_completion_tokens") ? chat.get("max_completion_tokens") : chat.get("max_tokens");
        if (limit != null && limit.canConvertToInt()) inference.put("maxTokens", limit.asInt());
        if (chat.path("temperature").isNumber()) inference.set("temperature", chat.get("temperature"));
        if (chat.path("top_p").isNumber()) inference.set("topP", chat.get("top_p"));
        JsonNode stop = chat.get("stop");
        if (stop != null && stop.isTextual()) inference.putArray("stopSequences").add(stop.asText());
        else if (stop != null && stop.isArray() && !stop.isEmpty()) inference.set("stopSequences", stop.deepCopy());
        if (!inference.isEmpty()) out.set("inferenceConfig", inference);
        translateTools(chat, out);
        return out;
    }

    private static void translateTools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        JsonNode choice = chat.get("tool_choice");
        if (choice != null && choice.isTextual() && choice.asText().equals("none")) {
            return;   // Converse has no "none": offering no tools is the equivalent
        }
        if (tools == null || !tools.isArray() || tools.isEmpty()) return;
        ObjectNode config = out.putObject("toolConfig");
        ArrayNode specs = config.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode fn = tools.get(i).path("function");
            if (!fn.path("name").isTextual()) {
                throw ChatContent.invalid("'tools[" + i + "].function.name' must be a string.", "tools[" + i + "].function.name");
            }
            ObjectNode spec = specs.addObject().putObject("toolSpec");
            spec.put("name", fn.get("name").asText());
            if (fn.path("description").isTextual()) spec.put("description", fn.get("description").asText());
            spec.putObject("inputSchema").set("json", fn.path("parameters").isObject() ? fn.get("parameters").deepCopy() : Json.object().put("type", "object"));
        }
        if (choice == null || choice.isNull()) return;
        ObjectNode tc = Json.object();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> tc.putObject("auto");
                case "required" -> tc.putObject("any");
                default -> throw ChatContent.invalid("'tool_choice' must be auto, none, required or a named function.", "tool_choice");
            }
        } else if (choice.path("function").path("name").isTextual()) {
            tc.putObject("tool").put("name", choice.get("function").get("name").asText());
        } else {
            throw ChatContent.invalid("'tool_choice' must be auto, none, required or a named function.", "tool_choice");
        }
        config.set("toolChoice", tc);
    }

    /** Converse content blocks: {@code {text}} and {@code {image: {format, source: {bytes}}}}. */
    private static final ChatContent.PartMapper PARTS = new ChatContent.PartMapper() {
        @Override public ObjectNode text(String text) { return Json.object().put("text", text); }
        @Override public ObjectNode image(String url, String field) { return BedrockRequestTranslator.image(url, field); }
    };

    private static ArrayNode userContent(JsonNode content, String field) {
        return ChatContent.userParts(content, field, "Bedrock", PARTS);
    }

    /** Converse takes image bytes (png, jpeg, gif, webp); remote URLs are not fetched. */
    private static ObjectNode image(String url, String field) {
        int marker = url.indexOf(";base64,");
        String mime = url.startsWith("data:") && marker > 0 ? url.substring(5, marker).toLowerCase(Locale.ROOT) : "";
        String format = switch (mime) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpeg";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            default -> throw ChatContent.invalid("'" + field + "' must be a base64 data: URL of a png, jpeg, gif or webp image for Bedrock models.", field);
        };
        ObjectNode block = Json.object();
        ObjectNode img = block.putObject("image");
        img.put("format", format);
        img.putObject("source").put("bytes", url.substring(marker + 8));
        return block;
    }

    private static ArrayNode assistantContent(JsonNode m, String field) {
        ArrayNode blocks = Json.NODES.arrayNode();
        JsonNode content = m.get("content");
        if (content != null && !content.isNull()) {
            String text = ChatContent.textOf(content, field + ".content");
            if (!text.isEmpty()) blocks.addObject().put("text", text);
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int j = 0; j < calls.size(); j++) {
                JsonNode call = calls.get(j);
                ObjectNode use = blocks.addObject().putObject("toolUse");
                use.put("toolUseId", call.path("id").asText());
                use.put("name", call.path("function").path("name").asText());
                use.set("input", ChatContent.argumentsObject(call.path("function").path("arguments"), field + ".tool_calls[" + j + "].function.arguments"));
            }
        }
        return blocks;
    }
}
