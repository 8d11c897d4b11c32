package io.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The canonical (OpenAI) embeddings request and answer, for the adapters that translate them to another
 * vendor: the request's texts in, the OpenAI {@code list} of {@code embedding}s out.
 */
public final class EmbeddingsContent {

    private EmbeddingsContent() {}

    /** {@code input} as texts: a string or a non-empty array of strings; token arrays are a 400 naming {@code vendor}. */
    public static List<String> texts(@Nullable JsonNode input, String vendor) {
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw ChatContent.invalid(vendor + " embeddings take text: 'input[" + i + "]' must be a string (token arrays are not supported).",
                            "input[" + i + "]");
                }
                texts.add(input.get(i).asText());
            }
        } else {
            throw ChatContent.invalid("'input' must be a string or a non-empty array of strings.", "input");
        }
        return texts;
    }

    /** OpenAI's answer: one {@code embedding} per vector, in order, and {@code promptTokens} as the usage (0 when unknown). */
    public static ObjectNode list(List<JsonNode> vectors, String model, long promptTokens) {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            item.set("embedding", vectors.get(i));
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return out;
    }
}
