package io.tollgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.upstream.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeminiEmbeddingsTest {

    final GeminiAdapter adapter = new GeminiAdapter("gemini", null, "k", Map.of(), GeminiAdapterTest.CLOCK);

    @Test
    void stringAndArrayInputsBecomeBatchEmbedContents() throws Exception {
        assertThat(adapter.supports(ApiKind.EMBEDDINGS)).isTrue();
        UpstreamRequest r = adapter.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS,
                "{\"model\":\"emb\",\"input\":[\"a\",\"b\"],\"dimensions\":256}"), "gemini-embedding-001");
        assertThat(r.uri().toString()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
        JsonNode b = Json.parse(r.body());
        assertThat(b.path("requests")).hasSize(2);
        assertThat(b.at("/requests/0/model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(b.at("/requests/1/content/parts/0/text").asText()).isEqualTo("b");
        assertThat(b.at("/requests/0/outputDimensionality").asInt()).isEqualTo(256);
        JsonNode single = Json.parse(adapter.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":\"hello\"}"), "gemini-embedding-001").body());
        assertThat(single.path("requests")).hasSize(1);
        assertThat(single.at("/requests/0/content/parts/0/text").asText()).isEqualTo("hello");
        assertThatThrownBy(() -> adapter.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":[[1,2]]}"), "g"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo("input[0]"));
    }

    @Test
    void answerBecomesOpenAiEmbeddingsList() throws Exception {
        byte[] body = "{\"embeddings\":[{\"values\":[0.1,-0.2]},{\"values\":[0.3,0.4]}]}".getBytes(StandardCharsets.UTF_8);
        GatewayResponse r = adapter.fromUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":[\"a\",\"b\"]}"), 200, Headers.EMPTY, body);
        JsonNode j = r.json();
        assertThat(j.path("object").asText()).isEqualTo("list");
        assertThat(j.path("model").asText()).isEqualTo("emb");
        assertThat(j.at("/data/1/object").asText()).isEqualTo("embedding");
        assertThat(j.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(j.at("/data/0/embedding/1").asDouble()).isEqualTo(-0.2);
        assertThat(j.at("/usage/prompt_tokens").asInt()).isZero();
        assertThat(r.usage()).isNull();
    }

    @Test
    void vertexEmbedsThroughPredictWithOneInstancePerText() throws Exception {
        GeminiAdapter vertex = GeminiImagesTest.VERTEX;
        assertThat(vertex.supports(ApiKind.EMBEDDINGS)).isTrue();
        UpstreamRequest r = vertex.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS,
                "{\"model\":\"emb\",\"input\":[\"a\",\"b\"],\"dimensions\":256}"), "text-embedding-005");
        assertThat(r.uri().toString()).isEqualTo("https://us-central1-aiplatform.googleapis.com/v1/projects/acme/locations/us-central1/"
                + "publishers/google/models/text-embedding-005:predict");
        assertThat(r.headers().get("authorization")).isEqualTo("Bearer ya29.t");
        JsonNode b = Json.parse(r.body());
        assertThat(b.path("instances")).hasSize(2);
        assertThat(b.at("/instances/1/content").asText()).isEqualTo("b");
        assertThat(b.at("/parameters/outputDimensionality").asInt()).isEqualTo(256);
        assertThat(Json.parse(vertex.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":\"hi\"}"),
                "text-embedding-005").body()).has("parameters")).isFalse();
        assertThatThrownBy(() -> vertex.toUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":[\"a\",[1]]}"), "e"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().param()).isEqualTo("input[1]");
                    assertThat(e.error().message()).startsWith("Vertex AI embeddings take text");
                });
    }

    @Test
    void vertexPredictionsBecomeOpenAiEmbeddingsWithTheirTokenCounts() throws Exception {
        // the documented :predict answer of a text-embedding model (values cut to two dimensions)
        byte[] body = """
                {"predictions":[
                  {"embeddings":{"statistics":{"truncated":false,"token_count":6},"values":[0.0102,-0.0391]}},
                  {"embeddings":{"statistics":{"truncated":false,"token_count":4},"values":[0.0233,0.0517]}}],
                 "metadata":{"billableCharacterCount":31}}""".getBytes(StandardCharsets.UTF_8);
        GatewayResponse r = GeminiImagesTest.VERTEX.fromUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":[\"a\",\"b\"]}"),
                200, Headers.EMPTY, body);
        JsonNode j = r.json();
        assertThat(j.path("object").asText()).isEqualTo("list");
        assertThat(j.path("model").asText()).isEqualTo("emb");
        assertThat(j.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(j.at("/data/1/embedding/1").asDouble()).isEqualTo(0.0517);
        assertThat(j.at("/usage/prompt_tokens").asInt()).isEqualTo(10);
        assertThat(j.at("/usage/total_tokens").asInt()).isEqualTo(10);
        assertThat(r.usage()).isEqualTo(TokenUsage.of(10, 0));

        GatewayResponse uncounted = GeminiImagesTest.VERTEX.fromUpstream(GeminiAdapterTest.request(ApiKind.EMBEDDINGS, "{\"model\":\"emb\",\"input\":\"a\"}"),
                200, Headers.EMPTY, "{\"predictions\":[{\"embeddings\":{\"values\":[0.1]}}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(uncounted.usage()).isNull();
    }
}
