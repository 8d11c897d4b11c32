package io.tollgate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.api.ResponseEncoder;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.SseDecoder;
import io.tollgate.core.upstream.UpstreamRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicCodecTest {

    final AnthropicCodec codec = AnthropicCodec.INSTANCE;
    final AnthropicAdapter adapter = new AnthropicAdapter("anthropic", null, "k", null, Map.of(), AnthropicAdapterTest.CLOCK);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    GatewayError rejected(String body) {
        try {
            codec.decode(ApiKind.MESSAGES, b(body));
        } catch (GatewayException e) {
            return e.error();
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void validationNamesTheField() {
        assertThat(rejected("").status()).isEqualTo(400);
        assertThat(rejected("{not json").message()).contains("not valid JSON");
        assertThat(rejected("{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}").message())
                .isEqualTo("The request body is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000).");
        assertThat(rejected("[]").status()).isEqualTo(400);
        assertThat(rejected("{\"max_tokens\":10,\"messages\":[]}").param()).isEqualTo("model");
        assertThat(rejected("{\"model\":\"m\",\"messages\":[]}").param()).isEqualTo("max_tokens");
        assertThat(rejected("{\"model\":\"m\",\"max_tokens\":\"10\",\"messages\":[]}").param()).isEqualTo("max_tokens");
        assertThat(rejected("{\"model\":\"m\",\"max_tokens\":10}").param()).isEqualTo("messages");
        assertThat(rejected("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}").param())
                .isEqualTo("messages.0.role");
        assertThat(rejected("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\"}]}").param()).isEqualTo("messages.0.content");
        assertThat(rejected("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[],\"stream\":\"yes\"}").param()).isEqualTo("stream");
        assertThat(rejected("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[],\"system\":5}").param()).isEqualTo("system");
        assertThatThrownBy(() -> codec.decode(ApiKind.CHAT_COMPLETIONS, b("{}"))).isInstanceOf(IllegalArgumentException.class);
    }

    static final String ANTHROPIC_REQUEST = """
            {"model":"chat","max_tokens":512,"stream":true,"temperature":0.5,"top_k":5,"stop_sequences":["END"],
             "metadata":{"user_id":"u-9"},
             "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
             "thinking":{"type":"enabled","budget_tokens":1024},
             "tools":[{"name":"weather","description":"Weather","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search"}],
             "tool_choice":{"type":"any"},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather in Paris?"},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Checking."},
                  {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},{"type":"text","text":"And tomorrow?"}]}]}""";

    @Test
    void decodeTranslatesToCanonicalChat() {
        GatewayRequest r = codec.decode(ApiKind.MESSAGES, b(ANTHROPIC_REQUEST));
        assertThat(r.api()).isEqualTo(ApiKind.MESSAGES);
        assertThat(r.model()).isEqualTo("chat");
        assertThat(r.stream()).isTrue();
        assertThat(r.user()).isEqualTo("u-9");
        assertThat(r.isModified()).isFalse();
        JsonNode j = r.json();
        assertThat(j.path("max_tokens").asInt()).isEqualTo(512);
        assertThat(j.path("stop").toString()).isEqualTo("[\"END\"]");
        JsonNode m = j.path("messages");
        assertThat(m.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Be brief.\"}");
        assertThat(m.get(1).path("content").get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64,iVBO");
        assertThat(m.get(2).path("content").asText()).isEqualTo("Checking.");
        assertThat(m.get(2).path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(m.get(3).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"sunny\"}");
        assertThat(m.get(4).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"And tomorrow?\"}");
        assertThat(j.path("tools")).hasSize(1);   // the server tool exists only natively
        assertThat(j.path("tool_choice").asText()).isEqualTo("required");
    }

    @Test
    void promptReferenceReachesTheCanonicalBodyForThePromptFilter() {
        GatewayRequest r = codec.decode(ApiKind.MESSAGES, b("""
                {"model":"chat","max_tokens":64,"messages":[{"role":"user","content":"hi"}],
                 "prompt":{"id":"support-bot","label":"production","variables":{"company":"Acme"}}}"""));
        assertThat(r.json().path("prompt").path("id").asText()).isEqualTo("support-bot");
        assertThat(r.json().at("/prompt/variables/company").asText()).isEqualTo("Acme");
    }

    @Test
    void anthropicTargetGetsTheOriginalBodyWithOnlyTheModelReplaced() throws Exception {
        GatewayRequest r = codec.decode(ApiKind.MESSAGES, b(ANTHROPIC_REQUEST));
        AnthropicCodec.forwardClientHeaders(r, MutableHeaders.of("anthropic-beta", "prompt-caching-2024-07-31", "x-other", "no"));
        UpstreamRequest up = adapter.toUpstream(r, "claude-haiku-4-5");
        JsonNode sent = Json.parse(up.body());
        JsonNode original = Json.parse(b(ANTHROPIC_REQUEST));
        ((com.fasterxml.jackson.databind.node.ObjectNode) original).put("model", "claude-haiku-4-5");
        assertThat(sent).isEqualTo(original);   // thinking, cache_control, top_k, server tools survive
        assertThat(up.headers().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
        assertThat(up.headers().get("x-other")).isNull();
    }

    @Test
    void anEditedRequestIsTranslatedNotSentStale() throws Exception {
        GatewayRequest r = codec.decode(ApiKind.MESSAGES, b(ANTHROPIC_REQUEST));
        r.edit().put("temperature", 0.1);   // a filter (prompt injection) changed it
        assertThat(r.nativeBody()).isNull();
        JsonNode sent = Json.parse(adapter.toUpstream(r, "claude").body());
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.1);
        assertThat(sent.has("thinking")).isFalse();
    }

    @Test
    void nativeUnaryAndStreamPassThroughAndAreMetered() throws Exception {
        GatewayRequest r = codec.decode(ApiKind.MESSAGES, b(ANTHROPIC_REQUEST));
        byte[] answer = Fixtures.bytes("anthropic-messages-nonstream-cache-read.json");
        GatewayResponse resp = adapter.fromUpstream(r, 200, Headers.EMPTY, answer);
        assertThat(resp.usage()).isEqualTo(new TokenUsage(7361, 4, 7351, 0, 0));
        ResponseEncoder enc = codec.encoder(r);
        assertThat(enc.unary(resp)).isEqualTo(answer);

        byte[] sse = Fixtures.bytes("anthropic-messages-stream-text.sse");
        Fixtures.Sink sink = AnthropicStreamTranslatorTest.runWhole(adapter.streamTranslator(r), sse);
        assertThat(sink.chunks).allSatisfy(c -> assertThat(c.event()).isNotNull());
        assertThat(sink.chunks).extracting(StreamChunk::event).containsExactly(
                "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(sink.chunks.stream().filter(c -> c.usage() != null).map(StreamChunk::usage)).containsExactly(TokenUsage.of(15, 9));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResponseEncoder streamEnc = codec.encoder(r);
        sink.chunks.forEach(c -> out.writeBytes(streamEnc.chunk(c)));
        out.writeBytes(streamEnc.end());
        List<String[]> events = parse(out.toByteArray());
        assertThat(events).hasSize(6);
        assertThat(events.get(2)[1]).isEqualTo(new String(sink.chunks.get(2).data(), StandardCharsets.UTF_8));
    }

    @Test
    void translatedStreamRoundTripsToAnthropicEvents() throws Exception {
        // an OpenAI chunk sequence (what an OpenAI target or our own translator yields) ...
        for (String fixture : List.of("anthropic-messages-stream-text-then-tool-use-sdk-fixture.sse", "anthropic-messages-stream-tool-use.sse")) {
            GatewayRequest chatReq = AnthropicStreamTranslatorTest.streamRequest(false);
            Fixtures.Sink sink = AnthropicStreamTranslatorTest.runWhole(adapter.streamTranslator(chatReq), Fixtures.bytes(fixture));
            GatewayRequest inbound = codec.decode(ApiKind.MESSAGES, b("{\"model\":\"chat\",\"max_tokens\":10,\"stream\":true,\"messages\":[]}"));
            ResponseEncoder enc = codec.encoder(inbound);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            sink.chunks.forEach(c -> out.writeBytes(enc.chunk(c)));
            out.writeBytes(enc.end());
            // ... encoded as Anthropic SSE, parses back into the same text and tool calls as the original
            Fixtures.Sink again = AnthropicStreamTranslatorTest.runWhole(adapter.streamTranslator(chatReq), out.toByteArray());
            assertThat(again.errors).isEmpty();
            assertThat(AnthropicStreamTranslatorTest.text(again.chunks)).isEqualTo(AnthropicStreamTranslatorTest.text(sink.chunks));
            assertThat(AnthropicStreamTranslatorTest.arguments(again.chunks, 0)).isEqualTo(AnthropicStreamTranslatorTest.arguments(sink.chunks, 0));
            assertThat(AnthropicStreamTranslatorTest.toolCallDeltas(again.chunks).getFirst().path("id").asText())
                    .isEqualTo(AnthropicStreamTranslatorTest.toolCallDeltas(sink.chunks).getFirst().path("id").asText());
            assertThat(AnthropicStreamTranslatorTest.finishReason(again.chunks)).isEqualTo("tool_calls");
            assertThat(again.chunks.getLast().usage()).isEqualTo(sink.chunks.getLast().usage());
            assertThat(sink.chunks.getLast().isUsageOnly()).isTrue();   // written as nothing, but reported in message_delta
            List<String> names = parse(out.toByteArray()).stream().map(e -> e[0]).toList();
            assertThat(names.getFirst()).isEqualTo("message_start");
            assertThat(names.subList(names.size() - 2, names.size())).containsExactly("message_delta", "message_stop");
        }
    }

    @Test
    void translatedUnaryBecomesAnthropicMessage() throws Exception {
        GatewayRequest inbound = codec.decode(ApiKind.MESSAGES, b("{\"model\":\"chat\",\"max_tokens\":10,\"messages\":[]}"));
        GatewayRequest chatReq = AnthropicAdapterTest.chat("{\"model\":\"chat\",\"messages\":[]}");
        GatewayResponse canonical = adapter.fromUpstream(chatReq, 200, Headers.EMPTY, Fixtures.bytes("anthropic-messages-nonstream-tool-use.json"));
        JsonNode msg = Json.parse(codec.encoder(inbound).unary(canonical));
        JsonNode original = Json.parse(Fixtures.bytes("anthropic-messages-nonstream-tool-use.json"));
        assertThat(msg.path("type").asText()).isEqualTo("message");
        assertThat(msg.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(msg.path("content").get(0).path("input")).isEqualTo(original.path("content").get(0).path("input"));
        assertThat(msg.path("content").get(0).path("id").asText()).isEqualTo("toolu_01Ay5KzhmQYMK53svGLaAxfc");
        assertThat(msg.path("usage").path("input_tokens").asLong()).isEqualTo(633);
        assertThat(msg.path("usage").path("output_tokens").asLong()).isEqualTo(75);

        GatewayResponse cached = adapter.fromUpstream(chatReq, 200, Headers.EMPTY, Fixtures.bytes("anthropic-messages-nonstream-cache-read.json"));
        JsonNode u = Json.parse(codec.encoder(inbound).unary(cached)).path("usage");
        assertThat(u.path("input_tokens").asLong()).isEqualTo(10);
        assertThat(u.path("cache_read_input_tokens").asLong()).isEqualTo(7351);
    }

    @Test
    void namedEventsOfOtherApisAreNotWrittenToAMessagesClient() {
        ResponseEncoder enc = codec.encoder(codec.decode(ApiKind.MESSAGES, b("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}")));
        assertThat(enc.chunk(StreamChunk.event("response.output_text.delta", b("{}")))).isEmpty();
        assertThat(new String(enc.chunk(StreamChunk.event("ping", b("{\"type\":\"ping\"}"))), StandardCharsets.UTF_8))
                .isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    }

    @Test
    void errorsUseAnthropicsEnvelope() throws Exception {
        ResponseEncoder enc = codec.encoder(codec.decode(ApiKind.MESSAGES, b("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}")));
        assertThat(Json.parse(enc.error(GatewayError.invalidApiKey())).toString())
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"" + GatewayError.invalidApiKey().message() + "\"}}");
        assertThat(type(enc.error(GatewayError.modelNotAllowed("x")))).isEqualTo("permission_error");
        assertThat(type(enc.error(GatewayError.modelNotFound("x")))).isEqualTo("not_found_error");
        assertThat(type(enc.error(GatewayError.of(ErrorCode.RATE_LIMIT_EXCEEDED, "slow down")))).isEqualTo("rate_limit_error");
        assertThat(type(enc.error(GatewayError.of(ErrorCode.BUDGET_EXCEEDED, "spent")))).isEqualTo("invalid_request_error");
        assertThat(type(enc.error(GatewayError.invalidRequest("bad", "x")))).isEqualTo("invalid_request_error");
        assertThat(type(enc.error(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "down")))).isEqualTo("api_error");
        assertThat(type(enc.error(new GatewayError(529, "overloaded", "overloaded_error", "busy", null,
                io.tollgate.core.error.FailureClass.SERVER_ERROR, null)))).isEqualTo("overloaded_error");
        List<String[]> ev = parse(enc.streamError(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "cut")));
        assertThat(ev).hasSize(1);
        assertThat(ev.getFirst()[0]).isEqualTo("error");
        assertThat(Json.parse(b(ev.getFirst()[1])).path("error").path("type").asText()).isEqualTo("api_error");
    }

    static String type(byte[] body) throws Exception {
        return Json.parse(body).path("error").path("type").asText();
    }

    static List<String[]> parse(byte[] sse) {
        List<String[]> events = new ArrayList<>();
        SseDecoder d = new SseDecoder();
        d.feed(ByteBuffer.wrap(sse), (event, data) -> events.add(new String[] {event, new String(data, StandardCharsets.UTF_8)}));
        d.end((event, data) -> events.add(new String[] {event, new String(data, StandardCharsets.UTF_8)}));
        return events;
    }
}
