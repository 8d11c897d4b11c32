package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vertex AI through the gateway: a service-account key (a fresh RSA key, token_uri pointing at WireMock) is
 * minted into OAuth2 tokens by Google's auth library off the request path, calls go to the regional Vertex
 * URL with the bearer token and Gemini's bodies, a token close to expiry is replaced before it lapses, and a
 * token endpoint that refuses the key leaves the alias unserved with a clear error instead of a hang.
 */
class VertexIT {

    static final Path DIR = tempDir();
    static final Path GOOD_KEY = DIR.resolve("good-sa.json");
    static final Path BAD_KEY = DIR.resolve("bad-sa.json");
    static final String MODEL_PATH = "/v1/projects/acme-prod/locations/europe-west4/publishers/google/models/gemini-2.5-flash";
    static final String MODELS = "/v1/projects/acme-prod/locations/europe-west4/publishers/google/models/";
    static final String PRO_PATH = MODELS + "gemini-2.5-pro";

    @RegisterExtension
    @Order(1)
    static final WireMockExtension google = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .resetOnEachTest(false).build();   // the token endpoint serves the refreshers for the whole class

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys }
            providers:
              vertex: { type: vertex-ai, base-url: "@UPSTREAM@/v1", project: acme-prod, region: europe-west4, credentials-file: "%s" }
              refused: { type: vertex-ai, base-url: "@UPSTREAM@/v1", project: acme-prod, region: europe-west4, credentials-file: "%s" }
              static: { type: vertex-ai, base-url: "@UPSTREAM@/v1", project: acme-prod, region: europe-west4, api-key: "ya29.static-token" }
            models:
              flash: { targets: [ { provider: vertex, model: gemini-2.5-flash } ], retries: { max-attempts: 1 } }
              refused: { targets: [ { provider: refused, model: gemini-2.5-flash } ], retries: { max-attempts: 1 } }
              static: { targets: [ { provider: static, model: gemini-2.5-flash } ], retries: { max-attempts: 1 } }
              pro: { targets: [ { provider: vertex, model: gemini-2.5-pro } ], retries: { max-attempts: 1 } }
              limited: { targets: [ { provider: vertex, model: gemini-limited } ], retries: { max-attempts: 1 } }
              denied: { targets: [ { provider: vertex, model: gemini-denied } ], retries: { max-attempts: 1 } }
              embed: { targets: [ { provider: vertex, model: text-embedding-005 } ], retries: { max-attempts: 1 } }
            keys: [ { id: test, key: "tg-test-key" } ]
            state: { ledger: "sqlite:target/it-data/vertex-it.db" }
            """.formatted(GOOD_KEY, BAD_KEY)).upstream(VertexIT::tokenEndpointAndKeys);

    /** Called once WireMock runs: stubs the token endpoint and writes the key files that point at it. */
    static String tokenEndpointAndKeys() {
        // the first token is 5 min + 2 s from expiry, so the refresher replaces it about 2 s after start
        google.stubFor(post("/token").inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withHeader("content-type", "application/json")
                        .withBody("{\"access_token\":\"ya29.first-token\",\"expires_in\":302,\"token_type\":\"Bearer\"}"))
                .willSetStateTo("second"));
        google.stubFor(post("/token").inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(aResponse().withHeader("content-type", "application/json")
                        .withBody("{\"access_token\":\"ya29.second-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")));
        google.stubFor(post("/bad-token").willReturn(aResponse().withStatus(400).withHeader("content-type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")));
        writeKey(GOOD_KEY, google.baseUrl() + "/token");
        writeKey(BAD_KEY, google.baseUrl() + "/bad-token");
        return google.baseUrl();
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("vertex-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeKey(Path file, String tokenUri) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            var json = Json.object().put("type", "service_account").put("project_id", "acme-prod").put("private_key_id", "key-1")
                    .put("private_key", pem).put("client_email", "tollgate@acme-prod.iam.gserviceaccount.com").put("client_id", "1234567890")
                    .put("token_uri", tokenUri);
            Files.writeString(file, Json.MAPPER.writeValueAsString(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends requests until one reaches Vertex with a bearer token matching {@code tokenRegex}. */
    private static void awaitToken(String tokenRegex) {
        google.stubFor(post(MODEL_PATH + ":generateContent").willReturn(aResponse().withHeader("content-type", "application/json")
                .withBody(fixture("gemini-generateContent.json"))));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"flash\",\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(google.findAll(postRequestedFor(urlEqualTo(MODEL_PATH + ":generateContent"))
                    .withHeader("authorization", matching("Bearer " + tokenRegex))))
                    .as("Vertex calls with a bearer token matching %s", tokenRegex).isNotEmpty();
        });
    }

    /** Waits until the token endpoint at {@code path} has been asked at least once. */
    private static void awaitTokenRequest(String path) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(google.findAll(postRequestedFor(urlEqualTo(path)))).as("requests to %s", path).isNotEmpty());
    }

    /** Vertex streams {@code fixture} for {@code modelPath}, split into several TCP chunks that cut SSE events apart. */
    private static void streamFrom(String modelPath, String fixture) {
        google.stubFor(post(modelPath + ":streamGenerateContent?alt=sse").willReturn(aResponse().withHeader("content-type", "text/event-stream")
                .withBody(fixture(fixture)).withChunkedDribbleDelay(7, 150)));
    }

    static String fixture(String name) {
        try {
            return ProxyIT.fixture(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void serviceAccountTokensAreMintedRefreshedAndSentToTheRegionalEndpoint() throws Exception {
        // minted in the background at start, then replaced about 2 s later, 5 min ahead of its expiry
        awaitToken("ya29\\.second-token");
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"flash","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"2+2?"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("2 + 2 = **4**");
        google.verify(postRequestedFor(urlEqualTo(MODEL_PATH + ":generateContent"))
                .withRequestBody(matchingJsonPath("$.systemInstruction.parts[0].text", equalTo("be brief"))));
        // Google's library signed a JWT with the key and exchanged it at token_uri
        google.verify(2, postRequestedFor(urlEqualTo("/token"))
                .withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"))
                .withRequestBody(containing("assertion=")));
        assertThat(r.body()).doesNotContain("ya29.");
    }

    @Test
    void streamingUsesTheSseMethod() throws Exception {
        awaitToken("ya29\\..*");
        streamFrom(MODEL_PATH, "gemini-streamGenerateContent-text.sse");
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"flash","stream":true,"messages":[{"role":"user","content":"weather?"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("Berlin").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aStaticAccessTokenIsSentAsItIs() throws Exception {
        google.stubFor(post(MODEL_PATH + ":generateContent").willReturn(aResponse().withHeader("content-type", "application/json")
                .withBody(fixture("gemini-generateContent.json"))));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"static\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        google.verify(postRequestedFor(urlEqualTo(MODEL_PATH + ":generateContent")).withHeader("authorization", equalTo("Bearer ya29.static-token")));
    }

    @Test
    void aRefusedServiceAccountLeavesTheAliasUnservedWithAClearError() throws Exception {
        awaitTokenRequest("/bad-token");   // the refresher asked the token endpoint and was refused (it retries with back-off)
        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"refused\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode error = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(error.path("message").asText()).contains("refused", "Vertex AI access token").doesNotContain("bad-sa.json");
        assertThat(r.body()).doesNotContain("PRIVATE KEY").doesNotContain("ya29.");
        google.verify(postRequestedFor(urlEqualTo("/bad-token")));
    }

    @Test
    void toolCallsAndCloudStorageImagesTranslateAsOnGemini() throws Exception {
        awaitToken("ya29\\..*");
        streamFrom(PRO_PATH, "gemini-streamGenerateContent-function-call.sse");
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"pro","stream":true,
                 "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{"latitude":{"type":"string"}}}}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"weather where this photo was taken?"},
                                                       {"type":"image_url","image_url":{"url":"gs://acme-photos/berlin.jpg"}}]}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"tool_calls\"", "\"name\":\"weather\"", "\"finish_reason\":\"tool_calls\"").endsWith("data: [DONE]\n\n");
        google.verify(postRequestedFor(urlEqualTo(PRO_PATH + ":streamGenerateContent?alt=sse"))
                .withHeader("authorization", matching("Bearer ya29\\..*"))
                .withRequestBody(matchingJsonPath("$.tools[0].functionDeclarations[0].name", equalTo("weather")))
                .withRequestBody(matchingJsonPath("$.contents[0].parts[1].fileData.fileUri", equalTo("gs://acme-photos/berlin.jpg")))
                .withRequestBody(matchingJsonPath("$.contents[0].parts[1].fileData.mimeType", equalTo("image/jpeg"))));
    }

    @Test
    void vertexErrorsAreMappedWithoutLeakingTheProjectOrToken() throws Exception {
        awaitToken("ya29\\..*");
        google.stubFor(post(MODELS + "gemini-limited:generateContent").willReturn(aResponse().withStatus(429).withHeader("content-type", "application/json")
                .withBody(fixture("gemini-error-429-resource_exhausted.json"))));
        HttpResponse<String> limited = gateway.post("/v1/chat/completions", "{\"model\":\"limited\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(Json.MAPPER.readTree(limited.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.headers().firstValue("retry-after")).hasValue("48");

        // Vertex's IAM denial (another model: the 429 made the first one cool down) names the project and the resource path: the client sees neither
        google.stubFor(post(MODELS + "gemini-denied:generateContent").willReturn(aResponse().withStatus(403).withHeader("content-type", "application/json")
                .withBody("""
                        {"error":{"code":403,"status":"PERMISSION_DENIED","message":"Permission 'aiplatform.endpoints.predict' denied on resource \
                        '//aiplatform.googleapis.com/projects/acme-prod/locations/europe-west4/publishers/google/models/gemini-2.5-pro' (or it may not exist).",\
                        "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"IAM_PERMISSION_DENIED","domain":"aiplatform.googleapis.com"}]}}""")));
        HttpResponse<String> denied = gateway.post("/v1/chat/completions", "{\"model\":\"denied\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(denied.statusCode()).isEqualTo(502);
        assertThat(Json.MAPPER.readTree(denied.body()).at("/error/message").asText()).contains("rejected the gateway's credentials", "403");
        assertThat(denied.body()).doesNotContain("acme-prod").doesNotContain("ya29.").doesNotContain("aiplatform.endpoints.predict");
    }

    @Test
    void embeddingsGoThroughPredictAndAreMetered() throws Exception {
        awaitToken("ya29\\..*");
        google.stubFor(post(MODELS + "text-embedding-005:predict").willReturn(aResponse().withHeader("content-type", "application/json")
                .withBody("""
                        {"predictions":[{"embeddings":{"statistics":{"truncated":false,"token_count":3},"values":[0.25,-0.5]}}],
                         "metadata":{"billableCharacterCount":11}}""")));
        HttpResponse<String> r = gateway.post("/v1/embeddings", "{\"model\":\"embed\",\"input\":\"hello world\",\"dimensions\":2}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.at("/data/0/embedding/1").asDouble()).isEqualTo(-0.5);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        google.verify(postRequestedFor(urlEqualTo(MODELS + "text-embedding-005:predict"))
                .withHeader("authorization", matching("Bearer ya29\\..*"))
                .withRequestBody(matchingJsonPath("$.instances[0].content", equalTo("hello world")))
                .withRequestBody(matchingJsonPath("$.parameters.outputDimensionality", equalTo("2"))));
    }
}
