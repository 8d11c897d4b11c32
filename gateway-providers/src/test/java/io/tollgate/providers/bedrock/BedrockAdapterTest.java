package io.tollgate.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class BedrockAdapterTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    final BedrockAdapter adapter = new BedrockAdapter("bedrock", null, "eu-west-1", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "", Map.of(), CLOCK);

    static GatewayRequest chat(String json) throws Exception {
        return GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    static ProviderConfig config(String region, String akid, String secret, String token) {
        return new ProviderConfig("bedrock", null, null, null, null, null, null, region, null,
                Secret.of(akid), Secret.of(secret), Secret.of(token), null, null);
    }

    @Test
    void registeredAsTypeBedrockAndDisabledWithoutCredentials() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.types().contains("bedrock")).findFirst().orElseThrow();
        assertThat(factory.create("b", config(null, "AKID", "secret", ""), TestFilterServices.create()).isEnabled()).isTrue();
        assertThat(factory.create("b", config(null, "", "", ""), TestFilterServices.create()).isEnabled()).isFalse();
        assertThatThrownBy(() -> factory.create("b", config("mars", "AKID", "s", ""), TestFilterServices.create()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void urlsUseRegionAndEncodedModelId() throws Exception {
        UpstreamRequest unary = adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), MODEL);
        assertThat(unary.uri().toString()).isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
        UpstreamRequest stream = adapter.toUpstream(chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), MODEL);
        assertThat(stream.uri().getRawPath()).endsWith("/converse-stream");
        BedrockAdapter defaults = new BedrockAdapter("b", null, null, "A", "S", "", Map.of(), CLOCK);
        assertThat(defaults.toUpstream(chat("{\"model\":\"m\",\"messages\":[]}"), "x").uri().getHost()).isEqualTo("bedrock-runtime.us-east-1.amazonaws.com");
    }

    @Test
    void translatesToConverse() throws Exception {
        String json = """
            {"model":"m","temperature":0.3,"top_p":0.8,"max_tokens":200,"stop":["X"],
             "tools":[{"type":"function","function":{"name":"weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"required",
             "messages":[
               {"role":"system","content":"be brief"},
               {"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4A"}}]},
               {"role":"assistant","content":"ok","tool_calls":[{"id":"tu_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
               {"role":"tool","tool_call_id":"tu_1","content":"{\\"temp\\":3}"},
               {"role":"tool","tool_call_id":"tu_1","content":"cold"}
             ]}""";
        JsonNode b = Json.parse(adapter.toUpstream(chat(json), MODEL).body());
        assertThat(b.at("/system/0/text").asText()).isEqualTo("be brief");
        assertThat(b.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(b.at("/messages/0/content/0/text").asText()).isEqualTo("look");
        assertThat(b.at("/messages/0/content/1/image/format").asText()).isEqualTo("jpeg");
        assertThat(b.at("/messages/0/content/1/image/source/bytes").asText()).isEqualTo("/9j/4A");
        assertThat(b.at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(b.at("/messages/1/content/0/text").asText()).isEqualTo("ok");
        assertThat(b.at("/messages/1/content/1/toolUse/toolUseId").asText()).isEqualTo("tu_1");
        assertThat(b.at("/messages/1/content/1/toolUse/input/city").asText()).isEqualTo("Oslo");
        assertThat(b.at("/messages/2/role").asText()).isEqualTo("user");
        assertThat(b.at("/messages/2/content/0/toolResult/toolUseId").asText()).isEqualTo("tu_1");
        assertThat(b.at("/messages/2/content/0/toolResult/content/0/json/temp").asInt()).isEqualTo(3);
        assertThat(b.at("/messages/2/content/1/toolResult/content/0/text").asText()).isEqualTo("cold");
        assertThat(b.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(200);
        assertThat(b.at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.3);
        assertThat(b.at("/inferenceConfig/topP").asDouble()).isEqualTo(0.8);
        assertThat(b.at("/inferenceConfig/stopSequences/0").asText()).isEqualTo("X");
        assertThat(b.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("weather");
        assertThat(b.at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/city/type").asText()).isEqualTo("string");
        assertThat(b.at("/toolConfig/toolChoice").has("any")).isTrue();
        assertThatThrownBy(() -> adapter.toUpstream(chat("{\"model\":\"m\",\"n\":2,\"messages\":[]}"), MODEL))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo("n"));
    }

    @Test
    void sigV4AuthorizationHeaderShapeAndBodySensitivity() throws Exception {
        UpstreamRequest a = adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}"), MODEL);
        String auth = a.headers().get("Authorization");
        assertThat(auth).matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/bedrock/aws4_request, "
                + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}");
        assertThat(a.headers().get("X-Amz-Date")).isEqualTo("20260102T030405Z");
        assertThat(a.headers().get("X-Amz-Security-Token")).isNull();
        assertThat(a.toString()).doesNotContain("wJalrXUtnFEMI");
        UpstreamRequest same = adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}"), MODEL);
        assertThat(same.headers().get("Authorization")).isEqualTo(auth);
        UpstreamRequest other = adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}"), MODEL);
        assertThat(other.headers().get("Authorization")).isNotEqualTo(auth);

        BedrockAdapter withToken = new BedrockAdapter("b", null, "eu-west-1", "ASIATEMP", "secret", "FQoGZXIvYXdzEtoken", Map.of(), CLOCK);
        UpstreamRequest t = withToken.toUpstream(chat("{\"model\":\"m\",\"messages\":[]}"), MODEL);
        assertThat(t.headers().get("X-Amz-Security-Token")).isEqualTo("FQoGZXIvYXdzEtoken");
        assertThat(t.headers().get("Authorization")).contains("x-amz-security-token");
    }

    @Test
    void unaryResponseWithToolUseAndCacheUsage() throws Exception {
        String body = """
            {"output":{"message":{"role":"assistant","content":[{"text":"Let me check."},{"toolUse":{"toolUseId":"tooluse_1","name":"weather","input":{"city":"Oslo"}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":10,"outputTokens":20,"totalTokens":30,"cacheReadInputTokens":100,"cacheWriteInputTokens":7},"metrics":{"latencyMs":500}}""";
        GatewayResponse r = adapter.fromUpstream(chat("{\"model\":\"claude\",\"messages\":[]}"), 200, MutableHeaders.of("x-amzn-RequestId", "req-1"),
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.usage()).isEqualTo(new TokenUsage(117, 20, 100, 7, 0));
        JsonNode j = r.json();
        assertThat(j.path("id").asText()).isEqualTo("chatcmpl-req-1");
        assertThat(j.path("model").asText()).isEqualTo("claude");
        assertThat(j.at("/choices/0/message/content").asText()).isEqualTo("Let me check.");
        assertThat(j.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("tooluse_1");
        assertThat(j.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(j.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(j.at("/usage/prompt_tokens").asInt()).isEqualTo(117);
        assertThat(BedrockResponses.finishReason("max_tokens")).isEqualTo("length");
        assertThat(BedrockResponses.finishReason("guardrail_intervened")).isEqualTo("content_filter");
        assertThat(BedrockResponses.finishReason("content_filtered")).isEqualTo("content_filter");
        assertThat(BedrockResponses.finishReason("stop_sequence")).isEqualTo("stop");
    }

    GatewayError error(int status, String type, String message) {
        return adapter.toError(status, type == null ? Headers.EMPTY : MutableHeaders.of("x-amzn-ErrorType", type),
                ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void errorsAreClassified() {
        assertThat(error(429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", "Too many requests"))
                .satisfies(e -> {
                    assertThat(e.failure()).isEqualTo(FailureClass.RATE_LIMIT);
                    assertThat(e.status()).isEqualTo(429);
                });
        assertThat(error(503, "ServiceUnavailableException", "busy").failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(error(429, "ModelNotReadyException", "warming").failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(error(424, "ModelNotReadyException", "warming").failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(error(500, null, "x").status()).isEqualTo(502);
        GatewayError ctx = error(400, "ValidationException", "Input is too long for requested model.");
        assertThat(ctx.failure()).isEqualTo(FailureClass.CONTEXT_LENGTH);
        assertThat(ctx.code()).isEqualTo("context_length_exceeded");
        GatewayError denied = error(403, "AccessDeniedException", "User arn:aws:iam::123:user/x is not authorized");
        assertThat(denied.failure()).isEqualTo(FailureClass.AUTH);
        assertThat(denied.status()).isEqualTo(502);
        assertThat(denied.message()).doesNotContain("arn:aws");
        assertThat(error(403, "UnrecognizedClientException", "The security token included in the request is invalid.").failure()).isEqualTo(FailureClass.AUTH);
        GatewayError other = error(404, "ResourceNotFoundException", "Model not found");
        assertThat(other.failure()).isEqualTo(FailureClass.CLIENT_ERROR);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.message()).isEqualTo("Model not found");
    }
}
