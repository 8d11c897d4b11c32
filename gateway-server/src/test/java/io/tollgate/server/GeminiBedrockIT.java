package io.tollgate.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.tollgate.core.model.Json;
import io.tollgate.server.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gateway in front of Gemini and Bedrock (WireMock upstream replaying recorded Gemini bodies). */
class GeminiBedrockIT {

    @RegisterExtension
    @org.junit.jupiter.api.Order(1)
    static final WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @RegisterExtension
    @org.junit.jupiter.api.Order(2)
    static final GatewayExtension gateway = GatewayExtension.withConfig("""
            server: { port: 0 }
            auth: { mode: keys, admin-key: "admin-test-key" }
            providers:
              gem: { type: gemini, base-url: "@UPSTREAM@/v1beta", api-key: "AIza-vendor-secret" }
              gem-quota: { type: gemini, base-url: "@UPSTREAM@/quota", api-key: "AIza-vendor-secret" }
              aws: { type: bedrock, base-url: "@UPSTREAM@", region: eu-west-1, access-key-id: AKIDEXAMPLE, secret-access-key: "aws-secret-xyz" }
            models:
              flash:
                targets: [ { provider: gem, model: gemini-2.5-flash } ]
                retries: { max-attempts: 1 }
              flash-quota:
                targets: [ { provider: gem-quota, model: gemini-2.5-flash } ]
                retries: { max-attempts: 1 }
              haiku:
                targets: [ { provider: aws, model: "anthropic.claude-3-5-haiku-20241022-v1:0" } ]
                retries: { max-attempts: 1 }
              titan: { targets: [ { provider: aws, model: "amazon.titan-embed-text-v2:0" } ], retries: { max-attempts: 1 } }
              cohere: { targets: [ { provider: aws, model: "cohere.embed-english-v3" } ], retries: { max-attempts: 1 } }
            keys:
              - { id: test, key: "tg-test-key" }
            state: { ledger: "sqlite:target/it-data/gemini-bedrock-it.db" }
            """).upstream(upstream::baseUrl);

    @BeforeEach
    void reset() {
        upstream.resetAll();
    }

    @Test
    void geminiUnaryIsTranslatedBothWays() throws Exception {
        upstream.stubFor(post("/v1beta/models/gemini-2.5-flash:generateContent").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(ProxyIT.fixture("gemini-generateContent.json"))));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"flash","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"2+2?"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("2 + 2 = **4**");
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(31);
        upstream.verify(postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .withHeader("x-goog-api-key", equalTo("AIza-vendor-secret"))
                .withRequestBody(matchingJsonPath("$.systemInstruction.parts[0].text", equalTo("be brief"))));
        assertThat(r.body()).doesNotContain("AIza-vendor-secret");
    }

    @Test
    void geminiStreamBecomesOpenAiChunks() throws Exception {
        upstream.stubFor(post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse").willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(ProxyIT.fixture("gemini-streamGenerateContent-text.sse"))
                .withChunkedDribbleDelay(5, 200)));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"flash","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"weather?"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> data = Arrays.stream(r.body().split("\n")).filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode c = Json.MAPPER.readTree(d);
            text.append(c.at("/choices/0/delta/content").asText(""));
            if (c.path("usage").isObject()) usage = c.get("usage");
        }
        assertThat(text.toString()).isEqualTo("The weather in Berlin is 15°C with a wind of 10 km/h.");
        assertThat(usage).isNotNull();
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(233);
    }

    @Test
    void geminiQuotaErrorIsA429() throws Exception {
        // its own provider: the 429 puts that provider in cooldown for the other tests
        upstream.stubFor(post("/quota/models/gemini-2.5-flash:generateContent").willReturn(aResponse().withStatus(429)
                .withHeader("content-type", "application/json").withBody(ProxyIT.fixture("gemini-error-429-resource_exhausted.json"))));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"flash-quota","messages":[{"role":"user","content":"hi"}]}""");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(Json.MAPPER.readTree(r.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        // RetryInfo.retryDelay "48s" in the recorded body
        assertThat(r.headers().firstValue("retry-after")).hasValue("48");
    }

    @Test
    void bedrockUnaryIsSignedAndTranslated() throws Exception {
        upstream.stubFor(post(urlPathMatching("/model/.*/converse")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("""
                        {"output":{"message":{"role":"assistant","content":[{"text":"Hello!"}]}},"stopReason":"end_turn",
                         "usage":{"inputTokens":9,"outputTokens":3,"totalTokens":12}}""")));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"haiku","max_tokens":50,"messages":[{"role":"user","content":"Hi"}]}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello!");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(12);
        upstream.verify(postRequestedFor(urlPathMatching("/model/anthropic\\.claude-3-5-haiku-20241022-v1(%3A|:)0/converse"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/bedrock/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}"))
                .withRequestBody(matchingJsonPath("$.inferenceConfig.maxTokens", equalTo("50"))));
        assertThat(r.body()).doesNotContain("aws-secret-xyz");
    }

    @Test
    void bedrockTitanEmbeddingsThroughInvokeModel() throws Exception {
        upstream.stubFor(post(urlPathMatching("/model/.*/invoke")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(ToolCallingSdkIT.fixture("bedrock-invoke-titan-embed-text-v2.json"))));
        HttpResponse<String> r = gateway.post("/v1/embeddings", """
                {"model":"titan","input":"hello world","dimensions":256}""");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.at("/data/0/embedding")).hasSize(8);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(7);
        upstream.verify(postRequestedFor(urlPathMatching("/model/amazon\\.titan-embed-text-v2(%3A|:)0/invoke"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/bedrock/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}"))
                .withRequestBody(matchingJsonPath("$.inputText", equalTo("hello world")))
                .withRequestBody(matchingJsonPath("$.dimensions", equalTo("256"))));
    }

    @Test
    void bedrockCohereEmbeddingsBatchAndErrors() throws Exception {
        upstream.stubFor(post(urlPathMatching("/model/.*/invoke")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withHeader("x-amzn-bedrock-input-token-count", "9")
                .withBody(ToolCallingSdkIT.fixture("bedrock-invoke-cohere-embed-v3.json"))));
        HttpResponse<String> ok = gateway.post("/v1/embeddings", """
                {"model":"cohere","input":["how do i reset my password","billing address change"]}""");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ok.body()).path("data")).hasSize(2);
        assertThat(Json.MAPPER.readTree(ok.body()).at("/usage/prompt_tokens").asInt()).isEqualTo(9);

        invokeFails(400, "ValidationException", "Malformed input request: #: extraneous key [foo] is not permitted, please reformat your input and try again.");
        HttpResponse<String> invalid = gateway.post("/v1/embeddings", """
                {"model":"cohere","input":"x"}""");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("Malformed input request");

        invokeFails(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        HttpResponse<String> throttled = gateway.post("/v1/embeddings", """
                {"model":"cohere","input":"x"}""");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.body()).doesNotContain("aws-secret-xyz");

        HttpResponse<String> titanBatch = gateway.post("/v1/embeddings", """
                {"model":"titan","input":["a","b"]}""");
        assertThat(titanBatch.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(titanBatch.body()).at("/error/param").asText()).isEqualTo("input");
    }

    @Test
    void bedrockConverseStreamBinaryFramesBecomeOpenAiChunks() throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(frame("messageStart", "{\"role\":\"assistant\"}"));
        body.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"}}"));
        body.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"lo\"}}"));
        body.writeBytes(frame("contentBlockStop", "{\"contentBlockIndex\":0}"));
        body.writeBytes(frame("messageStop", "{\"stopReason\":\"end_turn\"}"));
        body.writeBytes(frame("metadata", "{\"usage\":{\"inputTokens\":9,\"outputTokens\":2,\"totalTokens\":11}}"));
        upstream.stubFor(post(urlPathMatching("/model/.*/converse-stream")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/vnd.amazon.eventstream").withBody(body.toByteArray())
                .withChunkedDribbleDelay(7, 200)));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", """
                {"model":"haiku","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> data = Arrays.stream(r.body().split("\n")).filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode c = Json.MAPPER.readTree(d);
            text.append(c.at("/choices/0/delta/content").asText(""));
            if (c.path("usage").isObject()) usage = c.get("usage");
        }
        assertThat(text.toString()).isEqualTo("Hello");
        assertThat(usage).isNotNull();
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(11);
    }

    /** One AWS event-stream frame (string headers, CRC32s), as Bedrock sends it. */
    static byte[] frame(String eventType, String json) {
        java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
        for (String[] kv : new String[][] {{":event-type", eventType}, {":content-type", "application/json"}, {":message-type", "event"}}) {
            byte[] k = kv[0].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] v = kv[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            h.write(k.length);
            h.writeBytes(k);
            h.write(7);
            h.write(v.length >> 8);
            h.write(v.length & 0xFF);
            h.writeBytes(v);
        }
        byte[] hb = h.toByteArray();
        byte[] pb = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int total = 16 + hb.length + pb.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(total);
        b.putInt(total).putInt(hb.length);
        java.util.zip.CRC32 prelude = new java.util.zip.CRC32();
        prelude.update(b.array(), 0, 8);
        b.putInt((int) prelude.getValue()).put(hb).put(pb);
        java.util.zip.CRC32 message = new java.util.zip.CRC32();
        message.update(b.array(), 0, total - 4);
        b.putInt((int) message.getValue());
        return b.array();
    }

    /** Bedrock's InvokeModel answering with an error in its wire shape: the type header and a message body. */
    private static void invokeFails(int status, String errorType, String message) {
        upstream.stubFor(post(urlPathMatching("/model/.*/invoke")).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json")
                .withHeader("x-amzn-ErrorType", errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
                .withBody("{\"message\":\"" + message + "\"}")));
    }
}
