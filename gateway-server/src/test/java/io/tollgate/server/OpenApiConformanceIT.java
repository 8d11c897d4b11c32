package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the gateway itself produces (mock answers, the models list, error envelopes) validates
 * against OpenAI's published OpenAPI schema, so strict clients and generated SDKs accept it.
 */
class OpenApiConformanceIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys }
            providers: { mock: { type: mock } }
            models:
              mock-chat:  { targets: [ { provider: mock, model: mock-1 } ] }
              mock-embed: { targets: [ { provider: mock, model: mock-embed-1 } ] }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/openapi-it.db" }
            """);

    private static ObjectNode spec;
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @BeforeAll
    static void loadSpec() throws Exception {
        try (InputStream in = OpenApiConformanceIT.class.getResourceAsStream("/fixtures/openai-openapi.yaml")) {
            spec = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    /** The spec's component schema {@code name}, resolved against the whole document. */
    private static JsonSchema schema(String name) {
        ObjectNode root = spec.deepCopy();
        root.put("$ref", "#/components/schemas/" + name);
        return FACTORY.getSchema(root);
    }

    private static void assertConforms(String schemaName, JsonNode instance) {
        Set<ValidationMessage> errors = schema(schemaName).validate(instance);
        assertThat(errors).as(schemaName + " for " + instance).isEmpty();
    }

    @Test
    void chatCompletion() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"mock-chat","messages":[{"role":"user","content":"Hello"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertConforms("CreateChatCompletionResponse", Json.MAPPER.readTree(r.body()));
    }

    @Test
    void chatCompletionChunks() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"mock-chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                chunks.add(Json.MAPPER.readTree(line.substring(6)));
            }
        }
        assertThat(chunks).hasSizeGreaterThan(2);
        chunks.forEach(c -> assertConforms("CreateChatCompletionStreamResponse", c));
    }

    @Test
    void embeddings() throws Exception {
        HttpResponse<String> r = gateway.post("/v1/embeddings", """
                {"model":"mock-embed","input":["one","two"]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertConforms("CreateEmbeddingResponse", Json.MAPPER.readTree(r.body()));
    }

    @Test
    void modelsList() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/models", GatewayExtension.KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertConforms("ListModelsResponse", Json.MAPPER.readTree(r.body()));
    }

    @Test
    void modelRetrieve() throws Exception {
        HttpResponse<String> r = gateway.get("/v1/models/mock-chat", GatewayExtension.KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertConforms("Model", Json.MAPPER.readTree(r.body()));
        assertThat(Json.MAPPER.readTree(r.body()).path("id").asText()).isEqualTo("mock-chat");

        HttpResponse<String> unknown = gateway.get("/v1/models/nope", GatewayExtension.KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertConforms("ErrorResponse", Json.MAPPER.readTree(unknown.body()));
        assertThat(Json.MAPPER.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(gateway.get("/v1/models/mock-chat", "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void errorEnvelopes() throws Exception {
        HttpResponse<String> notFound = gateway.post("/v1/chat/completions", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        HttpResponse<String> bad = gateway.post("/v1/chat/completions", "{\"model\":");
        HttpResponse<String> unauthorized = gateway.get("/v1/models", "wrong");
        for (HttpResponse<String> r : List.of(notFound, bad, unauthorized)) {
            assertThat(r.statusCode()).isBetween(400, 499);
            assertConforms("ErrorResponse", Json.MAPPER.readTree(r.body()));
        }
    }
}
