package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.providers.openai.EmbeddingsContent;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code /v1/embeddings} on a Gemini platform: the two embed text through different methods and bodies.
 */
enum GeminiEmbeddings {

    /**
     * Google AI {@code batchEmbedContents}: one request per text, {@code embeddings[].values} back. It reports
     * no token counts: usage is zero in the body and unmetered (null).
     */
    BATCH_EMBED_CONTENTS("batchEmbedContents", "Gemini") {
        @Override
        ObjectNode request(ObjectNode req, String upstreamModel) {
            String model = upstreamModel.startsWith("models/") ? upstreamModel : "models/" + upstreamModel;
            ObjectNode out = Json.object();
            ArrayNode requests = out.putArray("requests");
            for (String text : EmbeddingsContent.texts(req.get("input"), vendor)) {
                ObjectNode r = requests.addObject();
                r.put("model", model);
                r.putObject("content").putArray("parts").addObject().put("text", text);
                JsonNode dims = req.get("dimensions");
                if (dims != null && dims.canConvertToInt()) r.put("outputDimensionality", dims.asInt());
            }
            return out;
        }

        @Override
        GatewayResponse answer(int status, JsonNode json, String model) {
            List<JsonNode> vectors = new ArrayList<>();
            for (JsonNode e : json.path("embeddings")) {
                vectors.add(e.path("values").isArray() ? e.get("values") : Json.NODES.arrayNode());
            }
            return GatewayResponse.json(status, EmbeddingsContent.list(vectors, model, 0), null);
        }
    },

    /**
     * Vertex AI {@code :predict} on a text-embedding model ({@code text-embedding-005},
     * {@code text-multilingual-embedding-002}, {@code gemini-embedding-001}):
     * {@code {"instances": [{"content"}], "parameters": {"outputDimensionality"}}} to
     * {@code predictions[].embeddings.{values, statistics.token_count}}, whose counts are metered.
     */
    PREDICT("predict", "Vertex AI") {
        @Override
        ObjectNode request(ObjectNode req, String upstreamModel) {
            ObjectNode out = Json.object();
            ArrayNode instances = out.putArray("instances");
            for (String text : EmbeddingsContent.texts(req.get("input"), vendor)) {
                instances.addObject().put("content", text);
            }
            JsonNode dims = req.get("dimensions");
            if (dims != null && dims.canConvertToInt()) out.putObject("parameters").put("outputDimensionality", dims.asInt());
            return out;
        }

        @Override
        GatewayResponse answer(int status, JsonNode json, String model) {
            List<JsonNode> vectors = new ArrayList<>();
            long tokens = 0;
            boolean counted = false;
            for (JsonNode p : json.path("predictions")) {
                JsonNode e = p.path("embeddings");
                vectors.add(e.path("values").isArray() ? e.get("values") : Json.NODES.arrayNode());
                JsonNode count = e.path("statistics").path("token_count");
                if (count.canConvertToLong()) {
                    tokens += count.asLong();
                    counted = true;
                }
            }
            // an answer without counts is unmetered, not metered as zero
            return GatewayResponse.json(status, EmbeddingsContent.list(vectors, model, tokens), counted ? TokenUsage.of(tokens, 0) : null);
        }
    };

    /** The method in the URL: {@code models/<m>:<method>}. */
    final String method;
    final String vendor;

    GeminiEmbeddings(String method, String vendor) {
        this.method = method;
        this.vendor = vendor;
    }

    /** The vendor body for an OpenAI embeddings request; a 400 naming the field for what cannot be sent. */
    abstract ObjectNode request(ObjectNode req, String upstreamModel);

    /** The vendor's 2xx answer as OpenAI's embeddings list, usage included where the platform counts it. */
    abstract GatewayResponse answer(int status, JsonNode json, String model);
}
