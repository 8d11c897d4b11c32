package io.tollgate.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.upstream.UpstreamRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BedrockEmbeddingsTest {

    final BedrockAdapter adapter = new BedrockAdapter("bedrock", null, "us-east-1", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "", Map.of(),
            BedrockAdapterTest.CLOCK);

    static GatewayRequest embeddings(String json) throws Exception {
        return GatewayRequest.of(ApiKind.EMBEDDINGS, (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] fixture(String name) throws Exception {
        try (InputStream in = BedrockEmbeddingsTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    private static JsonNode body(UpstreamRequest r) throws Exception {
        return Json.parse(r.body());
    }

    @Test
    void titanV2GetsOneTextNormalizedWithDimensionsOnInvoke() throws Exception {
        UpstreamRequest r = adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":\"hello world\",\"dimensions\":256}"), "amazon.titan-embed-text-v2:0");
        assertThat(r.uri().toString()).isEqualTo("https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke");
        assertThat(r.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
        JsonNode b = body(r);
        assertThat(b.path("inputText").asText()).isEqualTo("hello world");
        assertThat(b.path("dimensions").asInt()).isEqualTo(256);
        assertThat(b.path("normalize").asBoolean()).isTrue();
        assertThat(b.has("input")).isFalse();
    }

    @Test
    void titanTakesOneInputPerCallAndV1HasNoDimensions() {
        assertThatThrownBy(() -> adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":[\"a\",\"b\"]}"), "amazon.titan-embed-text-v2:0"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().message()).contains("one text per call", "Cohere");
                });
        assertThatThrownBy(() -> adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":\"a\",\"dimensions\":256}"), "amazon.titan-embed-text-v1"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("dimensions");
    }

    @Test
    void cohereGetsTheBatchWithAnInputType() throws Exception {
        JsonNode b = body(adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":[\"how do i reset my password\",\"billing address change\"]}"),
                "cohere.embed-english-v3"));
        assertThat(b.path("texts")).hasSize(2);
        assertThat(b.path("input_type").asText()).isEqualTo("search_document");
        JsonNode query = body(adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":\"reset\",\"input_type\":\"search_query\"}"),
                "cohere.embed-multilingual-v3"));
        assertThat(query.path("input_type").asText()).isEqualTo("search_query");
    }

    @Test
    void badInputsAndUnknownModelsAreClearFourHundreds() {
        assertThatThrownBy(() -> adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":[1,2,3]}"), "cohere.embed-english-v3"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("input[0]");
        assertThatThrownBy(() -> adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":[]}"), "cohere.embed-english-v3"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> adapter.toUpstream(embeddings("{\"model\":\"e\",\"input\":\"x\"}"), "anthropic.claude-3-5-haiku-20241022-v1:0"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().message()).contains("Titan", "Cohere", "neither"));
    }

    @Test
    void titanAnswerBecomesOpenAiEmbeddingsWithUsage() throws Exception {
        GatewayResponse r = adapter.fromUpstream(embeddings("{\"model\":\"embed\",\"input\":\"hello\"}"), 200, MutableHeaders.of(),
                fixture("bedrock-invoke-titan-embed-text-v2.json"));
        JsonNode b = Json.parse(r.body());
        assertThat(b.path("object").asText()).isEqualTo("list");
        assertThat(b.path("model").asText()).isEqualTo("embed");
        assertThat(b.at("/data/0/object").asText()).isEqualTo("embedding");
        assertThat(b.at("/data/0/embedding")).hasSize(8);
        assertThat(b.at("/data/0/embedding/0").asDouble()).isEqualTo(0.0241);
        assertThat(b.at("/usage/prompt_tokens").asInt()).isEqualTo(7);
        assertThat(r.usage().inputTokens()).isEqualTo(7);
    }

    @Test
    void cohereAnswersV3AndV4BecomeOpenAiEmbeddingsMeteredFromTheHeader() throws Exception {
        MutableHeaders headers = MutableHeaders.of(BedrockEmbeddings.INPUT_TOKENS_HEADER, "11");
        GatewayResponse v3 = adapter.fromUpstream(embeddings("{\"model\":\"embed\",\"input\":[\"a\",\"b\"]}"), 200, headers,
                fixture("bedrock-invoke-cohere-embed-v3.json"));
        JsonNode b = Json.parse(v3.body());
        assertThat(b.path("data")).hasSize(2);
        assertThat(b.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(b.at("/data/1/embedding/3").asDouble()).isEqualTo(0.0615);
        assertThat(v3.usage().inputTokens()).isEqualTo(11);
        GatewayResponse v4 = adapter.fromUpstream(embeddings("{\"model\":\"embed\",\"input\":\"a\"}"), 200, MutableHeaders.of(),
                fixture("bedrock-invoke-cohere-embed-v4.json"));
        assertThat(Json.parse(v4.body()).at("/data/0/embedding")).hasSize(4);
        assertThat(v4.usage()).isNull(); // no count anywhere: unmetered, never guessed
    }
}
