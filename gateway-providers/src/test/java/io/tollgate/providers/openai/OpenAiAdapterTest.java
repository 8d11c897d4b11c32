package io.tollgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.core.upstream.UpstreamRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiAdapterTest {

    static ProviderAdapter adapter(String type, String baseUrl, String key, Map<String, String> headers) {
        ProviderConfig config = new ProviderConfig(type, baseUrl, Secret.of(key), headers, null, null, null, null, null, null, null, null, null, null);
        return new OpenAiProviderFactory().create(type, config, TestFilterServices.create());
    }

    static GatewayRequest request(ApiKind api, String json) {
        return OpenAiCodec.INSTANCE.decode(api, json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(byte[] body) throws Exception {
        return Json.parse(body);
    }

    @Test
    void sameModelForwardsTheClientsOwnBytes() {
        GatewayRequest req = request(ApiKind.CHAT_COMPLETIONS, "{\"model\": \"gpt-4o-mini\",  \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        UpstreamRequest up = adapter("openai", null, "sk-test", Map.of()).toUpstream(req, "gpt-4o-mini");
        assertThat(up.body()).isSameAs(req.bytes());
        assertThat(up.uri()).hasToString("https://api.openai.com/v1/chat/completions");
        assertThat(up.method()).isEqualTo("POST");
        assertThat(up.headers().get("authorization")).isEqualTo("Bearer sk-test");
        assertThat(up.headers().get("content-type")).isEqualTo("application/json");
        assertThat(up.toString()).doesNotContain("sk-test");
    }

    @Test
    void differentModelIsSubstitutedWithoutTouchingTheClientsRequest() throws Exception {
        GatewayRequest req = request(ApiKind.CHAT_COMPLETIONS,
                "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}");
        byte[] clientBytes = req.bytes();
        UpstreamRequest up = adapter("openai", null, "sk-test", Map.of()).toUpstream(req, "gpt-4o-mini");
        JsonNode sent = json(up.body());
        assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.path("tools")).isEqualTo(req.json().path("tools"));
        assertThat(sent.path("messages")).isEqualTo(req.json().path("messages"));
        // a retry on another provider starts from the client's request
        assertThat(req.model()).isEqualTo("chat");
        assertThat(req.isModified()).isFalse();
        assertThat(req.bytes()).isSameAs(clientBytes);
    }

    @Test
    void streamedChatAsksForUsageAndKeepsTheClientsOtherStreamOptions() throws Exception {
        GatewayRequest req = request(ApiKind.CHAT_COMPLETIONS,
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        ProviderAdapter a = adapter("openai", null, "k", Map.of());
        UpstreamRequest up = a.toUpstream(req, "gpt-4o");
        JsonNode options = json(up.body()).path("stream_options");
        assertThat(options.path("include_usage").asBoolean()).isTrue();
        assertThat(options.path("include_obfuscation").asBoolean(true)).isFalse();
        assertThat(req.json().path("stream_options").has("include_usage")).isFalse();
        assertThat(up.headers().get("accept")).isEqualTo("text/event-stream");
        assertThat(((OpenAiAdapter) a).injectsStreamUsage(req)).isTrue();
    }

    @Test
    void aClientThatAskedForUsageGetsItsBytesAndItsUsageChunk() {
        GatewayRequest req = request(ApiKind.CHAT_COMPLETIONS,
                "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        OpenAiAdapter a = (OpenAiAdapter) adapter("openai", null, "k", Map.of());
        assertThat(a.toUpstream(req, "gpt-4o").body()).isSameAs(req.bytes());
        assertThat(a.injectsStreamUsage(req)).isFalse();
    }

    @Test
    void nonStreamedAndEmbeddingRequestsGetNoStreamOptions() throws Exception {
        ProviderAdapter a = adapter("openai", null, "k", Map.of());
        GatewayRequest emb = request(ApiKind.EMBEDDINGS, "{\"model\":\"e\",\"input\":\"hello\"}");
        UpstreamRequest up = a.toUpstream(emb, "text-embedding-3-small");
        assertThat(up.uri()).hasToString("https://api.openai.com/v1/embeddings");
        assertThat(json(up.body()).has("stream_options")).isFalse();
        GatewayRequest completions = request(ApiKind.COMPLETIONS, "{\"model\":\"c\",\"prompt\":\"hi\",\"stream\":true}");
        assertThat(a.toUpstream(completions, "gpt-3.5-turbo-instruct").uri()).hasToString("https://api.openai.com/v1/completions");
        assertThat(json(a.toUpstream(completions, "x").body()).path("stream_options").path("include_usage").asBoolean()).isTrue();
        GatewayRequest responses = request(ApiKind.RESPONSES, "{\"model\":\"r\",\"input\":\"hi\",\"stream\":true}");
        UpstreamRequest r = a.toUpstream(responses, "gpt-5-nano");
        assertThat(r.uri()).hasToString("https://api.openai.com/v1/responses");
        assertThat(json(r.body()).has("stream_options")).isFalse();   // Responses streams always carry usage
    }

    @Test
    void noKeyMeansNoAuthorizationHeaderAndExtraHeadersAreSent() {
        ProviderAdapter local = adapter("openai", "http://127.0.0.1:11434/v1/", "", Map.of("x-tenant", "blue"));
        UpstreamRequest up = local.toUpstream(request(ApiKind.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "llama3");
        assertThat(up.uri()).hasToString("http://127.0.0.1:11434/v1/chat/completions");
        assertThat(up.headers().get("authorization")).isNull();
        assertThat(up.headers().get("x-tenant")).isEqualTo("blue");
        assertThat(local.isEnabled()).isTrue();
    }

    @Test
    void unaryUsageIncludesCachedAndReasoningTokensAndTheBodyPassesThrough() {
        byte[] body = Fixtures.bytes("openai-chat-nonstream-cached-tokens.json");
        GatewayRequest req = request(ApiKind.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        GatewayResponse res = adapter("openai", null, "k", Map.of()).fromUpstream(req, 200, MutableHeaders.of("content-type", "application/json"), body);
        assertThat(res.usage()).isEqualTo(new TokenUsage(1849, 1450, 1664, 0, 1088));
        assertThat(res.usage().uncachedInputTokens()).isEqualTo(185);
        assertThat(res.body()).isSameAs(body);
        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void unaryUsageOfEveryRecordedShape() {
        ProviderAdapter a = adapter("openai", null, "k", Map.of());
        GatewayRequest chat = request(ApiKind.CHAT_COMPLETIONS, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(a.fromUpstream(chat, 200, Headers.EMPTY, Fixtures.bytes("openai-chat-nonstream.json")).usage())
                .isEqualTo(usageOf("openai-chat-nonstream.json", "prompt_tokens", "completion_tokens"));
        TokenUsage old = a.fromUpstream(chat, 200, Headers.EMPTY, Fixtures.bytes("openai-chat-nonstream-2024-sdk.json")).usage();
        assertThat(old).isEqualTo(usageOf("openai-chat-nonstream-2024-sdk.json", "prompt_tokens", "completion_tokens"));
        assertThat(old.cacheReadTokens()).isZero();

        GatewayRequest emb = request(ApiKind.EMBEDDINGS, "{\"model\":\"e\",\"input\":\"x\"}");
        TokenUsage e = a.fromUpstream(emb, 200, Headers.EMPTY, Fixtures.bytes("openai-embeddings.json")).usage();
        assertThat(e.inputTokens()).isPositive();
        assertThat(e.outputTokens()).isZero();

        GatewayRequest resp = request(ApiKind.RESPONSES, "{\"model\":\"r\",\"input\":\"x\"}");
        TokenUsage r = a.fromUpstream(resp, 200, Headers.EMPTY, Fixtures.bytes("openai-responses-nonstream.json")).usage();
        assertThat(r).isEqualTo(usageOf("openai-responses-nonstream.json", "input_tokens", "output_tokens"));
        assertThat(r.reasoningTokens()).isPositive();

        assertThat(a.fromUpstream(chat, 200, Headers.EMPTY, "not json".getBytes()).usage()).isNull();
    }

    /** The expected usage read straight from the fixture, so the assertion is not the code under test restated. */
    private static TokenUsage usageOf(String fixture, String in, String out) {
        try {
            JsonNode u = Json.parse(Fixtures.bytes(fixture)).path("usage");
            String details = in.equals("prompt_tokens") ? "prompt_tokens_details" : "input_tokens_details";
            String outDetails = in.equals("prompt_tokens") ? "completion_tokens_details" : "output_tokens_details";
            return new TokenUsage(u.path(in).asLong(), u.path(out).asLong(), u.path(details).path("cached_tokens").asLong(0), 0,
                    u.path(outDetails).path("reasoning_tokens").asLong(0));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void groqDropsTheParametersItDocumentsAsRejected() throws Exception {
        GatewayRequest req = request(ApiKind.CHAT_COMPLETIONS,
                "{\"model\":\"llama\",\"logprobs\":true,\"top_logprobs\":2,\"logit_bias\":{\"1\":2},\"temperature\":0.2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        UpstreamRequest up = adapter("groq", null, "gsk", Map.of()).toUpstream(req, "llama");
        ObjectNode sent = (ObjectNode) json(up.body());
        assertThat(sent.has("logprobs")).isFalse();
        assertThat(sent.has("top_logprobs")).isFalse();
        assertThat(sent.has("logit_bias")).isFalse();
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(req.json().has("logprobs")).isTrue();
        assertThat(up.uri()).hasToString("https://api.groq.com/openai/v1/chat/completions");
    }
}
