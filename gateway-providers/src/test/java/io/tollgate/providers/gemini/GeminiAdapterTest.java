package io.tollgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.providers.openai.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class GeminiAdapterTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    final GeminiAdapter adapter = new GeminiAdapter("gemini", null, "AIza-secret", Map.of(), CLOCK);

    static GatewayRequest request(ApiKind api, String json) throws Exception {
        return GatewayRequest.of(api, (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    static GatewayRequest chat(String json) throws Exception {
        return request(ApiKind.CHAT_COMPLETIONS, json);
    }

    static JsonNode body(UpstreamRequest r) throws Exception {
        return Json.parse(r.body());
    }

    @Test
    void registeredAsTypeGeminiAndDisabledWithoutKey() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.types().contains("gemini")).findFirst().orElseThrow();
        assertThat(factory.create("g", ProviderConfig.of("gemini", null, "k"), TestFilterServices.create()).isEnabled()).isTrue();
        assertThat(factory.create("g", ProviderConfig.of("gemini", null, ""), TestFilterServices.create()).isEnabled()).isFalse();
        assertThatThrownBy(() -> factory.create("g", ProviderConfig.of("gemini", "ftp://x", "k"), TestFilterServices.create()))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void unaryAndStreamUrlsAndKeyHeader() throws Exception {
        UpstreamRequest unary = adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "gemini-2.5-flash");
        assertThat(unary.uri().toString()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(unary.headers().get("x-goog-api-key")).isEqualTo("AIza-secret");
        assertThat(unary.toString()).doesNotContain("AIza-secret");
        UpstreamRequest stream = adapter.toUpstream(chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "gemini-2.5-flash");
        assertThat(stream.uri().toString()).endsWith("/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(body(stream).has("stream")).isFalse();
    }

    @Test
    void translatesSystemToolsToolResultsImagesAndGenerationConfig() throws Exception {
        String json = """
            {"model":"m","temperature":0.2,"top_p":0.9,"max_completion_tokens":100,"stop":"END","n":2,
             "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string"}}}}},
             "tools":[{"type":"function","function":{"name":"weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"weather"}},
             "messages":[
               {"role":"system","content":"be brief"},
               {"role":"developer","content":[{"type":"text","text":"no jokes"}]},
               {"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_7","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Berlin\\"}"}}]},
               {"role":"tool","tool_call_id":"call_7","content":"{\\"temp\\":15}"},
               {"role":"tool","tool_call_id":"call_7","content":"sunny"}
             ]}""";
        JsonNode b = body(adapter.toUpstream(chat(json), "gemini-2.5-flash"));
        assertThat(b.at("/systemInstruction/parts/0/text").asText()).isEqualTo("be brief\n\nno jokes");
        assertThat(b.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(b.at("/contents/0/parts/0/text").asText()).isEqualTo("what is this");
        assertThat(b.at("/contents/0/parts/1/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(b.at("/contents/0/parts/1/inlineData/data").asText()).isEqualTo("iVBORw0");
        assertThat(b.at("/contents/1/role").asText()).isEqualTo("model");
        assertThat(b.at("/contents/1/parts/0/functionCall/name").asText()).isEqualTo("weather");
        assertThat(b.at("/contents/1/parts/0/functionCall/args/city").asText()).isEqualTo("Berlin");
        assertThat(b.at("/contents/2/role").asText()).isEqualTo("user");
        assertThat(b.at("/contents/2/parts/0/functionResponse/name").asText()).isEqualTo("weather");
        assertThat(b.at("/contents/2/parts/0/functionResponse/response/temp").asInt()).isEqualTo(15);
        assertThat(b.at("/contents/2/parts/1/functionResponse/response/content").asText()).isEqualTo("sunny");
        assertThat(b.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("weather");
        assertThat(b.at("/tools/0/functionDeclarations/0/parameters/properties/city/type").asText()).isEqualTo("string");
        assertThat(b.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
        assertThat(b.at("/toolConfig/functionCallingConfig/allowedFunctionNames/0").asText()).isEqualTo("weather");
        JsonNode gen = b.path("generationConfig");
        assertThat(gen.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(gen.path("topP").asDouble()).isEqualTo(0.9);
        assertThat(gen.path("maxOutputTokens").asInt()).isEqualTo(100);
        assertThat(gen.at("/stopSequences/0").asText()).isEqualTo("END");
        assertThat(gen.path("candidateCount").asInt()).isEqualTo(2);
        assertThat(gen.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(gen.at("/responseSchema/properties/a/type").asText()).isEqualTo("string");
    }

    @Test
    void toolChoiceModes() throws Exception {
        for (var e : Map.of("\"auto\"", "AUTO", "\"none\"", "NONE", "\"required\"", "ANY").entrySet()) {
            JsonNode b = body(adapter.toUpstream(chat("{\"model\":\"m\",\"tool_choice\":" + e.getKey() + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "g"));
            assertThat(b.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo(e.getValue());
        }
        JsonNode json = body(adapter.toUpstream(chat("{\"model\":\"m\",\"max_tokens\":7,\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "g"));
        assertThat(json.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(json.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(7);
        assertThat(json.at("/generationConfig").has("responseSchema")).isFalse();
    }

    @Test
    void untranslatableInputIsA400NamingTheField() {
        assertThatThrownBy(() -> adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"gs://bucket/y.png\"}}]}]}"), "g"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().param()).isEqualTo("messages[0].content[0].image_url.url");
                });
        assertThatThrownBy(() -> adapter.toUpstream(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"x\"}]}"), "g"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo("messages[0].tool_call_id"));
    }

    @Test
    void unaryFixtureBecomesChatCompletionWithUsage() throws Exception {
        GatewayResponse r = adapter.fromUpstream(chat("{\"model\":\"chat\",\"messages\":[]}"), 200, Headers.EMPTY, Fixtures.bytes("gemini-generateContent.json"));
        // promptTokenCount 10, candidatesTokenCount 8, thoughtsTokenCount 23
        assertThat(r.usage()).isEqualTo(new TokenUsage(10, 31, 0, 0, 23));
        JsonNode j = r.json();
        assertThat(j.path("object").asText()).isEqualTo("chat.completion");
        assertThat(j.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(j.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(j.at("/choices/0/message/content").asText()).isEqualTo("2 + 2 = **4**");
        assertThat(j.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(j.at("/usage/prompt_tokens").asInt()).isEqualTo(10);
        assertThat(j.at("/usage/completion_tokens").asInt()).isEqualTo(31);
        assertThat(j.at("/usage/total_tokens").asInt()).isEqualTo(41);
        assertThat(j.at("/usage/completion_tokens_details/reasoning_tokens").asInt()).isEqualTo(23);
    }

    @Test
    void unaryFunctionCallAndFinishReasonsAndCacheTokens() throws Exception {
        String body = """
            {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Paris"}}},{"functionCall":{"name":"time","args":{}}}]},"finishReason":"STOP","index":0},
                           {"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":"SAFETY","index":1}],
             "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":5,"cachedContentTokenCount":60}}""";
        GatewayResponse r = adapter.fromUpstream(chat("{\"model\":\"chat\",\"messages\":[]}"), 200, Headers.EMPTY, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.usage()).isEqualTo(new TokenUsage(100, 5, 60, 0, 0));
        JsonNode j = r.json();
        assertThat(j.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(j.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(j.at("/choices/0/message/tool_calls/0/id").asText()).isEqualTo("call_0");
        assertThat(j.at("/choices/0/message/tool_calls/1/id").asText()).isEqualTo("call_1");
        assertThat(j.at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(j.at("/choices/1/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(j.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(60);
        assertThat(GeminiResponses.finishReason("MAX_TOKENS", false)).isEqualTo("length");
        for (String f : new String[]{"RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"}) {
            assertThat(GeminiResponses.finishReason(f, false)).isEqualTo("content_filter");
        }
    }

    @Test
    void blockedPromptIsA400NamingTheReason() {
        byte[] body = "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":5}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> adapter.fromUpstream(chat("{\"model\":\"chat\",\"messages\":[]}"), 200, Headers.EMPTY, body))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    GatewayError err = e.error();
                    assertThat(err.status()).isEqualTo(400);
                    assertThat(err.code()).isEqualTo("guardrail_blocked");
                    assertThat(err.message()).contains("SAFETY");
                });
    }
}
