package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.providers.openai.ChatContent;
import java.util.HashMap;
import java.util.Map;

/**
 * Canonical OpenAI chat request -> Gemini {@code generateContent} request (embeddings are
 * {@link GeminiEmbeddings}). Pure and stateless; what cannot be expressed is a 400 naming the field,
 * never a silent drop.
 */
final class GeminiRequestTranslator {

    private GeminiRequestTranslator() {}

    /** {@code images} says which remote image URIs the platform reads. */
    static ObjectNode chat(ObjectNode chat, GeminiImages images) {
        ObjectNode out = Json.object();
        ArrayNode contents = out.putArray("contents");
        StringBuilder system = new StringBuilder();
        Map<String, String> toolNames = new HashMap<>();   // tool_call_id -> function name, for functionResponse
        JsonNode in = chat.path("messages");
        for (int i = 0; i < in.size(); i++) {
            JsonNode m = in.get(i);
            String role = m.path("role").asText();
            String field = "messages[" + i + "]";
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) system.append("\n\n");
                    system.append(ChatContent.textOf(m.get("content"), field + ".content"));
                }
                case "user" -> ChatContent.appendTurn(contents, "user", "parts",
                        ChatContent.userParts(m.get("content"), field + ".content", images.vendor, images));
                case "assistant" -> ChatContent.appendTurn(contents, "model", "parts", assistantParts(m, field, toolNames));
                case "tool" -> {
                    String id = m.path("tool_call_id").asText("");
                    String name = toolNames.get(id);
                    if (name == null) {
                        throw ChatContent.invalid("'" + field + ".tool_call_id' does not match a tool call of an earlier assistant message.", field + ".tool_call_id");
                    }
                    ObjectNode fr = Json.object();
                    ObjectNode resp = fr.putObject("functionResponse");
                    resp.put("name", name);
                    resp.set("response", responseObject(ChatContent.textOf(m.get("content"), field + ".content")));
                    ChatContent.appendTurn(contents, "user", "parts", Json.NODES.arrayNode().add(fr));
                }
                default -> throw ChatContent.invalid("Unsupported role '" + role + "' for a Gemini model.", field + ".role");
            }
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        translateTools(chat, out);
        ObjectNode gen = generationConfig(chat);
        if (!gen.isEmpty()) out.set("generationConfig", gen);
        return out;
    }

    private static ObjectNode generationConfig(ObjectNode chat) {
        ObjectNode gen = Json.object();
        ChatContent.copyNumber(chat, "temperature", gen, "temperature");
        ChatContent.copyNumber(chat, "top_p", gen, "topP");
        JsonNode limit = chat.hasNonNull("max_completion_tokens") ? chat.get("max_completion_tokens") : chat.get("max_tokens");
        if (limit != null && limit.canConvertToInt()) gen.put("maxOutputTokens", limit.asInt());
        JsonNode stop = chat.get("stop");
        if (stop != null && stop.isTextual()) gen.putArray("stopSequences").add(stop.asText());
        else if (stop != null && stop.isArray() && !stop.isEmpty()) gen.set("stopSequences", stop.deepCopy());
        JsonNode n = chat.get("n");
        if (n != null && n.canConvertToInt() && n.asInt() != 1) gen.put("candidateCount", n.asInt());
        ChatContent.copyNumber(chat, "presence_penalty", gen, "presencePenalty");
        ChatContent.copyNumber(chat, "frequency_penalty", gen, "frequencyPenalty");
        ChatContent.copyNumber(chat, "seed", gen, "seed");
        JsonNode rf = chat.get("response_format");
        if (rf != null && rf.isObject()) {
            switch (rf.path("type").asText()) {
                case "json_object" -> gen.put("responseMimeType", "application/json");
                case "json_schema" -> {
                    gen.put("responseMimeType", "application/json");
                    JsonNode schema = rf.path("json_schema").path("schema");
                    // Gemini's responseSchema is an OpenAPI-3 subset: plain schemas pass; exotic keywords get Gemini's own 400
                    if (schema.isObject()) gen.set("responseSchema", schema.deepCopy());
                }
                case "text" -> { }
                default -> throw ChatContent.invalid("'response_format.type' must be text, json_object or json_schema.", "response_format.type");
            }
        }
        return gen;
    }

    private static void translateTools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode decls = out.putArray("tools").addObject().putArray("functionDeclarations");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode fn = tools.get(i).path("function");
                if (!fn.path("name").isTextual()) {
                    throw ChatContent.invalid("'tools[" + i + "].function.name' must be a string.", "tools[" + i + "].function.name");
                }
                ObjectNode d = decls.addObject();
                d.put("name", fn.get("name").asText());
                if (fn.path("description").isTextual()) d.put("description", fn.get("description").asText());
                if (fn.path("parameters").isObject()) d.set("parameters", fn.get("parameters").deepCopy());
            }
        }
        JsonNode choice = chat.get("tool_choice");
        if (choice == null || choice.isNull()) return;
        ObjectNode fcc = Json.object();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> fcc.put("mode", "AUTO");
                case "none" -> fcc.put("mode", "NONE");
                case "required" -> fcc.put("mode", "ANY");
                default -> throw ChatContent.invalid("'tool_choice' must be auto, none, required or a named function.", "tool_choice");
            }
        } else if (choice.path("function").path("name").isTextual()) {
            fcc.put("mode", "ANY");
            fcc.putArray("allowedFunctionNames").add(choice.get("function").get("name").asText());
        } else {
            throw ChatContent.invalid("'tool_choice' must be auto, none, required or a named function.", "tool_choice");
        }
        out.putObject("toolConfig").set("functionCallingConfig", fcc);
    }

    private static ArrayNode assistantParts(JsonNode m, String field, Map<String, String> toolNames) {
        ArrayNode parts = Json.NODES.arrayNode();
        JsonNode content = m.get("content");
        if (content != null && !content.isNull()) {
            String text = ChatContent.textOf(content, field + ".content");
            if (!text.isEmpty()) parts.addObject().put("text", text);
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int j = 0; j < calls.size(); j++) {
                JsonNode call = calls.get(j);
                String name = call.path("function").path("name").asText();
                toolNames.put(call.path("id").asText(""), name);
                ObjectNode fc = parts.addObject().putObject("functionCall");
                fc.put("name", name);
                fc.set("args", ChatContent.argumentsObject(call.path("function").path("arguments"), field + ".tool_calls[" + j + "].function.arguments"));
            }
        }
        return parts;
    }

    /** Gemini wants an object as the function's response: JSON objects pass, anything else is wrapped. */
    private static ObjectNode responseObject(String text) {
        JsonNode parsed = ChatContent.objectOrNull(text);
        return parsed != null ? (ObjectNode) parsed : Json.object().put("content", text);
    }
}
