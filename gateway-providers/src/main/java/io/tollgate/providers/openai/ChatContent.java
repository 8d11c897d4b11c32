package io.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reading pieces of a canonical (OpenAI) chat request, shared by the adapters that translate it to
 * another vendor: bad shapes become a 400 naming the field.
 */
public final class ChatContent {

    private ChatContent() {}

    /** A message's content as text: a string, or an array of text parts; anything else is a 400 on {@code field}. */
    public static String textOf(@Nullable JsonNode content, String field) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.isTextual()) sb.append(part.asText());
                else if ("text".equals(part.path("type").asText())) sb.append(part.path("text").asText());
                else throw invalid("Only text parts are supported in '" + field + "'.", field);
            }
            return sb.toString();
        }
        throw invalid("'" + field + "' must be a string or an array of text parts.", field);
    }

    /** A tool call's {@code arguments} (a JSON object, usually encoded as a string) as an object. */
    public static JsonNode argumentsObject(JsonNode args, String field) {
        if (args.isObject()) return args.deepCopy();
        String s = args.asText("");
        if (s.isBlank()) return Json.object();
        JsonNode parsed = objectOrNull(s);
        if (parsed != null) return parsed;
        throw invalid("'" + field + "' must be a JSON object encoded as a string.", field);
    }

    /** {@code text} parsed when it is a JSON object, else null. */
    public static @Nullable JsonNode objectOrNull(String text) {
        try {
            JsonNode parsed = Json.parse(text.getBytes(StandardCharsets.UTF_8));
            return parsed.isObject() ? parsed : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** How one vendor writes the parts of a user message. */
    public interface PartMapper {
        /** The vendor's text part. */
        ObjectNode text(String text);

        /** The vendor's image part for an {@code image_url} URL; {@code field} names the URL for errors. */
        ObjectNode image(String url, String field);
    }

    /**
     * The parts of a user message's {@code content} (a string, or an array of {@code text} and
     * {@code image_url} parts) in a vendor's shape; other part types are a 400 naming {@code vendor}.
     */
    public static ArrayNode userParts(@Nullable JsonNode content, String field, String vendor, PartMapper mapper) {
        ArrayNode parts = Json.NODES.arrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.add(mapper.text(content.asText()));
            return parts;
        }
        if (!content.isArray()) {
            throw invalid("'" + field + "' must be a string or an array of content parts.", field);
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> parts.add(mapper.text(part.path("text").asText()));
                case "image_url" -> parts.add(mapper.image(part.path("image_url").path("url").asText(), field + "[" + j + "].image_url.url"));
                default -> throw invalid("Content part type '" + type + "' is not supported for " + vendor + " models.", field + "[" + j + "].type");
            }
        }
        return parts;
    }

    /**
     * Adds a turn of {@code role} holding {@code parts} (under {@code partsField}) to {@code turns}, or, when the last
     * turn has that role too, adds the parts to it: Bedrock's Converse and Gemini want roles to alternate, and OpenAI
     * clients send consecutive user or tool turns. Empty {@code parts} add nothing.
     */
    public static void appendTurn(ArrayNode turns, String role, String partsField, ArrayNode parts) {
        if (parts.isEmpty()) return;
        if (!turns.isEmpty()) {
            ObjectNode last = (ObjectNode) turns.get(turns.size() - 1);
            if (role.equals(last.path("role").asText())) {
                ((ArrayNode) last.get(partsField)).addAll(parts);
                return;
            }
        }
        ObjectNode turn = turns.addObject();
        turn.put("role", role);
        turn.set(partsField, parts);
    }

    /** Copies {@code from.fromField} to {@code to.toField} when it is a number (a sampling setting the vendor names its own way). */
    public static void copyNumber(JsonNode from, String fromField, ObjectNode to, String toField) {
        JsonNode v = from.get(fromField);
        if (v != null && v.isNumber()) to.set(toField, v);
    }

    public static GatewayException invalid(String message, String param) {
        return new GatewayException(GatewayError.invalidRequest(message, param));
    }
}
