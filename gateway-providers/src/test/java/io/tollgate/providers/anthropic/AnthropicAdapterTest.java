package io.tollgate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class AnthropicAdapterTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    final AnthropicAdapter adapter = new AnthropicAdapter("anthropic", null, "sk-ant-secret", null, Map.of(), CLOCK);

    static GatewayRequest chat(String json) throws Exception {
        return GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    static JsonNode body(UpstreamRequest r) throws Exception {
        return Json.parse(r.body());
    }

    @Test
    void factoryIsRegisteredAndBuildsFromConfig() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.types().contains("anthropic")).findFirst().orElseThrow();
        ProviderAdapter a = factory.create("claude", ProviderConfig.of("anthropic", null, "sk-x"), TestFilterServices.create());
        assertThat(a.name()).isEqualTo("claude");
        assertThat(a.isEnabled()).isTrue();
        assertThat(factory.create("c", ProviderConfig.of("anthropic", null, ""), TestFilterServices.create()).isEnabled()).isFalse();
        assertThatThrownBy(() -> factory.create("c", ProviderConfig.of("anthropic", "ftp://x", "k"), TestFilterServices.create()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("base-url");
    }

    @Test
    void addressesMessagesWithKeyAndVersionHeaders() throws Exception {
        UpstreamRequest r = adapter.toUpstream(chat("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "claude-haiku-4-5");
        assertThat(r.uri().toString()).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(r.headers().get("x-api-key")).isEqualTo("sk-ant-secret");
        assertThat(r.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.toString()).doesNotContain("sk-ant-secret");
        JsonNode b = body(r);
        assertThat(b.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(b.path("max_tokens").asInt()).isEqualTo(AnthropicRequestTranslator.DEFAULT_MAX_TOKENS);
        assertThat(b.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]");

        AnthropicAdapter custom = new AnthropicAdapter("a", "http://127.0.0.1:9999/v1/", "k", "2024-10-22", Map.of("x-extra", "1"), CLOCK);
        UpstreamRequest c = custom.toUpstream(chat("{\"model\":\"m\",\"messages\":[]}"), "m");
        assertThat(c.uri().toString()).isEqualTo("http://127.0.0.1:9999/v1/messages");
        assertThat(c.headers().get("anthropic-version")).isEqualTo("2024-10-22");
        assertThat(c.headers().get("x-extra")).isEqualTo("1");
    }

    @Test
    void translatesSystemLimitsSamplingStopAndUser() throws Exception {
        JsonNode b = body(adapter.toUpstream(chat("""
                {"model":"chat","max_tokens":100,"max_completion_tokens":200,"temperature":0.2,"top_p":0.9,"stop":"END","user":"u-1",
                 "stream":true,"stream_options":{"include_usage":true},"frequency_penalty":0.5,
                 "messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"Use French."}]},
                             {"role":"user","content":"hi"},{"role":"user","content":"again"}]}"""), "claude"));
        assertThat(b.path("system").asText()).isEqualTo("Be brief.\n\nUse French.");
        assertThat(b.path("max_tokens").asInt()).isEqualTo(200);
        assertThat(b.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(b.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(b.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
        assertThat(b.path("metadata").path("user_id").asText()).isEqualTo("u-1");
        assertThat(b.path("stream").asBoolean()).isTrue();
        assertThat(b.has("stream_options")).isFalse();
        assertThat(b.has("frequency_penalty")).isFalse();
        // consecutive user turns merged: Anthropic requires alternation
        assertThat(b.path("messages")).hasSize(1);
        assertThat(b.path("messages").get(0).path("content")).hasSize(2);
    }

    @Test
    void translatesImagesToolsToolCallsAndToolResults() throws Exception {
        JsonNode b = body(adapter.toUpstream(chat("""
                {"model":"chat","messages":[
                  {"role":"user","content":[{"type":"text","text":"What is this?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                     {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":"Let me check.","tool_calls":[
                     {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                     {"id":"call_2","type":"function","function":{"name":"time","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"sunny"},
                  {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"noon"}]},
                  {"role":"user","content":"thanks"}],
                 "tools":[{"type":"function","function":{"name":"weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":"required","parallel_tool_calls":false}"""), "claude"));
        JsonNode user = b.path("messages").get(0).path("content");
        assertThat(user.get(1).toString()).isEqualTo("{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}");
        assertThat(user.get(2).path("source").toString()).isEqualTo("{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}");
        JsonNode assistant = b.path("messages").get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content").get(0).path("text").asText()).isEqualTo("Let me check.");
        assertThat(assistant.path("content").get(1).toString())
                .isEqualTo("{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"weather\",\"input\":{\"city\":\"Paris\"}}");
        assertThat(assistant.path("content").get(2).path("input").toString()).isEqualTo("{}");
        // both tool results and the next user text share one user turn, results first
        JsonNode results = b.path("messages").get(2);
        assertThat(b.path("messages")).hasSize(3);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content").get(0).toString()).isEqualTo("{\"type\":\"tool_result\",\"tool_use_id\":\"call_1\",\"content\":\"sunny\"}");
        assertThat(results.path("content").get(1).path("content").asText()).isEqualTo("noon");
        assertThat(results.path("content").get(2).path("text").asText()).isEqualTo("thanks");
        assertThat(b.path("tools").get(0).toString())
                .isEqualTo("{\"name\":\"weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}");
        assertThat(b.path("tool_choice").toString()).isEqualTo("{\"type\":\"any\",\"disable_parallel_tool_use\":true}");
    }

    @Test
    void toolChoiceVariantsAndResponseFormat() throws Exception {
        String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],";
        assertThat(body(adapter.toUpstream(chat(base + "\"tool_choice\":\"auto\"}"), "m")).path("tool_choice").toString()).isEqualTo("{\"type\":\"auto\"}");
        assertThat(body(adapter.toUpstream(chat(base + "\"tool_choice\":\"none\"}"), "m")).path("tool_choice").toString()).isEqualTo("{\"type\":\"none\"}");
        assertThat(body(adapter.toUpstream(chat(base + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}"), "m"))
                .path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"f\"}");
        JsonNode rf = body(adapter.toUpstream(chat(base
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{\"type\":\"object\"}}}}"), "m"));
        assertThat(rf.path("system").asText()).contains("JSON Schema").contains("{\"type\":\"object\"}");
        assertThatThrownBy(() -> adapter.toUpstream(chat(base + "\"n\":2}"), "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().param()).isEqualTo("n"));
        assertThatThrownBy(() -> adapter.toUpstream(chat(base + "\"tool_choice\":\"sometimes\"}"), "m"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error().status()).isEqualTo(400));
    }

    @Test
    void unaryTextAnswerBecomesChatCompletion() throws Exception {
        GatewayResponse r = adapter.fromUpstream(chat("{\"model\":\"chat\",\"messages\":[]}"), 200, Headers.EMPTY,
                Fixtures.bytes("anthropic-messages-nonstream.json"));
        JsonNode j = r.json();
        assertThat(j.path("object").asText()).isEqualTo("chat.completion");
        assertThat(j.path("model").asText()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(j.path("choices").get(0).path("message").path("content").asText()).isEqualTo("2 + 2 = 4");
        assertThat(j.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(j.path("usage").toString())
                .isEqualTo("{\"prompt_tokens\":16,\"completion_tokens\":13,\"total_tokens\":29,\"prompt_tokens_details\":{\"cached_tokens\":0}}");
        assertThat(r.usage()).isEqualTo(new TokenUsage(16, 13, 0, 0, 0));
    }

    @Test
    void cacheReadAndWriteAreIncludedInInputTokensAndCountedApart() throws Exception {
        GatewayRequest req = chat("{\"model\":\"chat\",\"messages\":[]}");
        GatewayResponse write = adapter.fromUpstream(req, 200, Headers.EMPTY, Fixtures.bytes("anthropic-messages-nonstream-cache-write.json"));
        assertThat(write.usage()).isEqualTo(new TokenUsage(7361, 4, 0, 7351, 0));
        assertThat(write.usage().uncachedInputTokens()).isEqualTo(10);
        assertThat(write.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(7361);
        GatewayResponse read = adapter.fromUpstream(req, 200, Headers.EMPTY, Fixtures.bytes("anthropic-messages-nonstream-cache-read.json"));
        assertThat(read.usage()).isEqualTo(new TokenUsage(7361, 4, 7351, 0, 0));
        assertThat(read.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(7361);
        assertThat(read.json().path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(7351);
        assertThat(read.json().path("usage").path("total_tokens").asLong()).isEqualTo(7365);
    }

    @Test
    void toolUseAnswerBecomesToolCallsWithJsonStringArguments() throws Exception {
        GatewayResponse r = adapter.fromUpstream(chat("{\"model\":\"chat\",\"messages\":[]}"), 200, Headers.EMPTY,
                Fixtures.bytes("anthropic-messages-nonstream-tool-use.json"));
        JsonNode choice = r.json().path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("toolu_01Ay5KzhmQYMK53svGLaAxfc");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("weather");
        assertThat(call.path("function").path("arguments").isTextual()).isTrue();
        assertThat(Json.parse(call.path("function").path("arguments").asText().getBytes(StandardCharsets.UTF_8)).toString())
                .isEqualTo("{\"latitude\":\"52.5200\",\"longitude\":\"13.4050\"}");
        assertThat(r.usage()).isEqualTo(TokenUsage.of(633, 75));
    }

    @Test
    void nonJsonSuccessBodyIsAnUpstreamErrorNotACrash() {
        assertThatThrownBy(() -> adapter.fromUpstream(chat("{\"model\":\"c\",\"messages\":[]}"), 200, Headers.EMPTY,
                "<html>proxy</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(502);
                    assertThat(e.error().failure()).isEqualTo(io.tollgate.core.error.FailureClass.SERVER_ERROR);
                });
    }

    @Test
    void finishReasonMapping() {
        assertThat(AnthropicUsage.finishReason("end_turn")).isEqualTo("stop");
        assertThat(AnthropicUsage.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(AnthropicUsage.finishReason("max_tokens")).isEqualTo("length");
        assertThat(AnthropicUsage.finishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(AnthropicUsage.finishReason("refusal")).isEqualTo("content_filter");
    }

    @Test
    void supportsChatAndMessagesOnly() {
        assertThat(adapter.supports(ApiKind.CHAT_COMPLETIONS)).isTrue();
        assertThat(adapter.supports(ApiKind.MESSAGES)).isTrue();
        assertThat(adapter.supports(ApiKind.EMBEDDINGS)).isFalse();
        assertThat(adapter.supports(ApiKind.RESPONSES)).isFalse();
    }
}
