package io.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.providers.openai.ChatContent;
import io.tollgate.providers.openai.EmbeddingsContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI {@code /v1/embeddings} to Bedrock's {@code InvokeModel}, whose body is each model family's own:
 *
 * <ul>
 *   <li>Amazon Titan Text Embeddings ({@code amazon.titan-embed-text-v1}, {@code -v2:0}):
 *       {@code {"inputText", "dimensions", "normalize"}} to {@code {"embedding", "inputTextTokenCount"}}, one text per
 *       call; a request with several inputs is a 400 (use a Cohere model for batches).</li>
 *   <li>Cohere Embed ({@code cohere.embed-*}): {@code {"texts", "input_type"}} to {@code {"embeddings": [[...]]}} (v3)
 *       or {@code {"embeddings": {"float": [[...]]}}} (v4); token counts come from Bedrock's
 *       {@code x-amzn-bedrock-input-token-count} header. {@code input_type} is {@code search_document} unless
 *       the request names another (a non-OpenAI field passed through).</li>
 * </ul>
 */
final class BedrockEmbeddings {

    enum Family { TITAN, COHERE }

    static final String INPUT_TOKENS_HEADER = "x-amzn-bedrock-input-token-count";
    private static final int COHERE_MAX_TEXTS = 96;

    private BedrockEmbeddings() {}

    static Family family(String modelId) {
        String m = modelId.toLowerCase(Locale.ROOT);
        if (m.contains("amazon.titan-embed-text")) {
            return Family.TITAN;
        }
        if (m.contains("cohere.embed")) {
            return Family.COHERE;
        }
        throw ChatContent.invalid("Bedrock embeddings support Amazon Titan Text Embeddings (amazon.titan-embed-text-*) and Cohere Embed "
                + "(cohere.embed-*) models; '" + modelId + "' is neither.", "model");
    }

    /** The InvokeModel body for {@code request} (an OpenAI embeddings request) and {@code modelId}. */
    static ObjectNode request(JsonNode request, String modelId) {
        List<String> texts = EmbeddingsContent.texts(request.get("input"), "Bedrock");
        JsonNode dims = request.get("dimensions");
        ObjectNode body = Json.object();
        if (family(modelId) == Family.TITAN) {
            if (texts.size() != 1) {
                throw ChatContent.invalid("Titan Text Embeddings on Bedrock embed one text per call; 'input' has " + texts.size()
                        + ". Send one string, or use a Cohere Embed model for batches.", "input");
            }
            body.put("inputText", texts.get(0));
            if (modelId.toLowerCase(Locale.ROOT).contains("v2")) {
                body.put("normalize", true); // OpenAI's embeddings are unit vectors too
                if (dims != null && dims.canConvertToInt()) {
                    body.put("dimensions", dims.asInt());
                }
            } else if (dims != null) {
                throw ChatContent.invalid("'dimensions' needs Titan Text Embeddings V2; " + modelId + " has a fixed size.", "dimensions");
            }
        } else {
            if (texts.size() > COHERE_MAX_TEXTS) {
                throw ChatContent.invalid("Cohere Embed on Bedrock takes at most " + COHERE_MAX_TEXTS + " texts per call; 'input' has "
                        + texts.size() + ".", "input");
            }
            ArrayNode out = body.putArray("texts");
            texts.forEach(out::add);
            body.put("input_type", request.path("input_type").asText("search_document"));
            if (dims != null) {
                throw ChatContent.invalid("'dimensions' is not supported by Cohere Embed on Bedrock.", "dimensions");
            }
        }
        return body;
    }

    /** Input tokens of the answer: Titan's count in the body, else Bedrock's header; null when neither says. */
    static @Nullable TokenUsage usage(JsonNode answer, Headers headers) {
        JsonNode n = answer.get("inputTextTokenCount");
        if (n != null && n.canConvertToLong()) {
            return TokenUsage.of(n.asLong(), 0);
        }
        String header = headers.get(INPUT_TOKENS_HEADER);
        if (header != null) {
            try {
                return TokenUsage.of(Long.parseLong(header.strip()), 0);
            } catch (NumberFormatException ignored) {
                // not a count: unmetered, like an answer without usage
            }
        }
        return null;
    }

    /** The answer in OpenAI's {@code list} of {@code embedding}s. */
    static ObjectNode toOpenAi(JsonNode answer, @Nullable TokenUsage usage, String model) {
        List<JsonNode> vectors = new ArrayList<>();
        if (answer.path("embedding").isArray()) {
            vectors.add(answer.get("embedding"));                                  // Titan
        } else if (answer.path("embeddings").isArray()) {
            answer.get("embeddings").forEach(vectors::add);                         // Cohere v3: embeddings_floats
        } else if (answer.path("embeddings").path("float").isArray()) {
            answer.get("embeddings").get("float").forEach(vectors::add);            // Cohere v4: embeddings_by_type
        }
        return EmbeddingsContent.list(vectors, model, usage == null ? 0 : usage.inputTokens());
    }
}
