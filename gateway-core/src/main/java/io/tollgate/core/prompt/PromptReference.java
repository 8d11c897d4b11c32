package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the client asked for: body {@code "prompt": {"id", "version" | "label", "variables"}} or header
 * {@code x-gateway-prompt: id@label | id@version} (then variables still come from the body's
 * {@code prompt.variables}). Neither version nor label: the highest version.
 */
record PromptReference(String id, @Nullable Integer version, @Nullable String label, Map<String, Object> variables) {

    static final String HEADER = "x-gateway-prompt";

    /** The reference, or null when the request names no prompt. Throws a 400 naming the bad field. */
    static @Nullable PromptReference from(@Nullable JsonNode body, @Nullable String header) {
        if (body != null && !body.isNull() && !body.isObject()) {
            throw bad("'prompt' must be an object {id, version|label, variables}.", "prompt");
        }
        Map<String, Object> variables = variables(body);
        if (body != null && body.has("id")) {
            JsonNode id = body.get("id");
            if (!id.isTextual() || id.asText().isBlank()) {
                throw bad("'prompt.id' must be a non-empty string.", "prompt.id");
            }
            JsonNode v = body.get("version");
            JsonNode l = body.get("label");
            if (v != null && !v.isNull() && l != null && !l.isNull()) {
                throw bad("Give either 'prompt.version' or 'prompt.label', not both.", "prompt.version");
            }
            Integer version = null;
            if (v != null && !v.isNull()) {
                if (v.canConvertToInt() && v.isIntegralNumber()) {
                    version = v.asInt();
                } else if (v.isTextual() && v.asText().matches("\\d{1,9}")) {
                    version = Integer.parseInt(v.asText());
                } else {
                    throw bad("'prompt.version' must be a whole number.", "prompt.version");
                }
            }
            String label = null;
            if (l != null && !l.isNull()) {
                if (!l.isTextual() || l.asText().isBlank()) {
                    throw bad("'prompt.label' must be a non-empty string.", "prompt.label");
                }
                label = l.asText();
            }
            return new PromptReference(id.asText(), version, label, variables);
        }
        if (header != null && !header.isBlank()) {
            String h = header.trim();
            int at = h.lastIndexOf('@');
            String id = at < 0 ? h : h.substring(0, at);
            String selector = at < 0 ? "" : h.substring(at + 1);
            if (id.isEmpty() || (at >= 0 && selector.isEmpty())) {
                throw bad("Header x-gateway-prompt must be 'id@label' or 'id@version', got '" + h + "'.", HEADER);
            }
            if (selector.matches("\\d{1,9}")) {
                return new PromptReference(id, Integer.parseInt(selector), null, variables);
            }
            return new PromptReference(id, null, selector.isEmpty() ? null : selector, variables);
        }
        if (body != null && !body.isNull()) {
            throw bad("'prompt.id' is required.", "prompt.id");
        }
        return null;
    }

    private static Map<String, Object> variables(@Nullable JsonNode body) {
        JsonNode vars = body == null ? null : body.get("variables");
        if (vars == null || vars.isNull()) {
            return Map.of();
        }
        if (!vars.isObject()) {
            throw bad("'prompt.variables' must be an object.", "prompt.variables");
        }
        // nested objects stay maps so templates can say {{customer.name}}
        @SuppressWarnings("unchecked")
        Map<String, Object> out = Json.MAPPER.convertValue(vars, LinkedHashMap.class);
        return out;
    }

    private static GatewayException bad(String message, String param) {
        return new GatewayException(GatewayError.invalidRequest(message, param));
    }
}
