package io.tollgate.core.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.metering.MeteringFilterFactory;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guardrail filter in a chain with metering, as the server builds it, in front of a scripted upstream. */
class GuardrailFilterTest {

    static final String CONFIG = """
            providers: { mock: { type: mock } }
            models:
              chat:  { targets: [ { provider: mock, model: gpt-4o-mini } ] }
              other: { targets: [ { provider: mock, model: gpt-4o-mini } ] }
            guardrails:
              - { name: no-cards, match: [credit-card] }
              - { name: mask-email, action: redact, match: [email] }
              - { name: chat-only, models: [chat], match: ["regex:(?i)forbidden"] }
              - { name: no-aws-out, stage: output, match: [aws-access-key] }
              - { name: mask-phone-out, stage: output, action: redact, match: [phone] }
            """;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DefaultFilterServices services = TestFilterServices.of(registry, new FakeTicker(), new MutableClock(Instant.parse("2026-01-15T12:00:00Z")));
    private final List<byte[]> upstreamBodies = new ArrayList<>();
    private final TokenUsage usage = TokenUsage.of(1000, 500);

    @AfterEach
    void close() throws Exception {
        services.close();
    }

    private static GatewayConfig config(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml").orThrow();
    }

    private FilterChain chain(Terminal upstream) {
        return FilterChain.build(config(CONFIG), List.of(new GuardrailFilterFactory(), new MeteringFilterFactory()), services, upstream, List.of());
    }

    /** An upstream that records the body it was sent and answers {@code content}. */
    private Terminal answering(String content) {
        return (ex, sink) -> {
            upstreamBodies.add(ex.request().bytes());
            ex.record().provider("openai");
            ex.record().upstreamModel("gpt-4o-mini");
            sink.unary(GatewayResponse.json(200, completion(content), usage));
        };
    }

    private static ObjectNode completion(String content) {
        ObjectNode body = Json.object().put("id", "c1").put("object", "chat.completion");
        body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant").put("content", content);
        return body;
    }

    private double checks(String guardrail, String stage, String result) {
        var c = registry.find("gateway.guardrail.checks").tags("guardrail", guardrail, "stage", stage, "result", result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void blockedInputGets400GuardrailBlockedNamingTheGuardrailNotTheMatchAndNeverReachesUpstream() {
        Sink client = new Sink();
        chain(answering("ok")).execute(TestExchange.chat("chat", "my card is 4111 1111 1111 1111, thanks"), client);

        assertThat(client.events).containsExactly("fail 400");
        assertThat(client.error.code()).isEqualTo("guardrail_blocked");
        assertThat(client.error.type()).isEqualTo("invalid_request_error");
        assertThat(client.error.message()).isEqualTo("Blocked by guardrail 'no-cards' (input).").doesNotContain("4111");
        assertThat(upstreamBodies).isEmpty();
        assertThat(checks("no-cards", "input", "blocked")).isEqualTo(1);
    }

    @Test
    void redactedInputReachesUpstreamRedactedAndCleanInputKeepsTheClientsBytes() throws Exception {
        ObjectNode json = Json.object().put("model", "chat");
        json.putArray("messages").addObject().put("role", "user").put("content", "mail jane.doe@example.com please");
        byte[] original = Json.bytes(json);
        DefaultExchange ex = TestExchange.of(GatewayRequest.parsed(ApiKind.CHAT_COMPLETIONS, json, original), MutableHeaders.of(), new FakeTicker());
        chain(answering("ok")).execute(ex, new Sink());

        String sent = new String(upstreamBodies.getFirst(), StandardCharsets.UTF_8);
        assertThat(sent).contains("mail [REDACTED:email] please").doesNotContain("jane.doe");
        assertThat(checks("mask-email", "input", "redacted")).isEqualTo(1);

        ObjectNode clean = Json.object().put("model", "chat");
        clean.putArray("messages").addObject().put("role", "user").put("content", "nothing personal here");
        byte[] cleanBytes = Json.bytes(clean);
        chain(answering("ok")).execute(TestExchange.of(GatewayRequest.parsed(ApiKind.CHAT_COMPLETIONS, clean, cleanBytes), MutableHeaders.of(), new FakeTicker()), new Sink());
        assertThat(upstreamBodies.get(1)).isSameAs(cleanBytes);
        assertThat(checks("mask-email", "input", "pass")).isEqualTo(1);
        assertThat(checks("no-cards", "input", "pass")).isEqualTo(2);
    }

    @Test
    void textPartsAndTheSystemPromptAreCheckedToo() throws Exception {
        ObjectNode json = Json.object().put("model", "chat");
        var messages = json.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Reply to bob@example.org");
        var parts = messages.addObject().put("role", "user").putArray("content");
        parts.addObject().put("type", "text").put("text", "and to alice@example.org");
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", "https://x/alice@example.org.png");
        chain(answering("ok")).execute(TestExchange.of(GatewayRequest.of(ApiKind.MESSAGES, json), MutableHeaders.of(), new FakeTicker()), new Sink());

        JsonNode sent = Json.parse(upstreamBodies.getFirst());
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Reply to [REDACTED:email]");
        assertThat(sent.at("/messages/1/content/0/text").asText()).isEqualTo("and to [REDACTED:email]");
        assertThat(sent.at("/messages/1/content/1/image_url/url").asText()).isEqualTo("https://x/alice@example.org.png");
    }

    @Test
    void embeddingsAndResponsesInputsAreChecked() throws Exception {
        ObjectNode embed = Json.object().put("model", "chat");
        embed.putArray("input").add("fine").add("card 4111111111111111");
        Sink client = new Sink();
        chain(answering("ok")).execute(TestExchange.of(GatewayRequest.of(ApiKind.EMBEDDINGS, embed), MutableHeaders.of(), new FakeTicker()), client);
        assertThat(client.events).containsExactly("fail 400");

        ObjectNode responses = Json.object().put("model", "chat").put("instructions", "cc ops@example.com");
        responses.putArray("input").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "input_text").put("text", "hi from me@example.com");
        chain(answering("ok")).execute(TestExchange.of(GatewayRequest.of(ApiKind.RESPONSES, responses), MutableHeaders.of(), new FakeTicker()), new Sink());
        JsonNode sent = Json.parse(upstreamBodies.getFirst());
        assertThat(sent.path("instructions").asText()).isEqualTo("cc [REDACTED:email]");
        assertThat(sent.at("/input/0/content/0/text").asText()).isEqualTo("hi from [REDACTED:email]");
    }

    @Test
    void toolCallArgumentsOfEarlierTurnsAreRedactedAndStayValidJson() throws Exception {
        ObjectNode json = Json.object().put("model", "chat");
        var messages = json.putArray("messages");
        messages.addObject().put("role", "user").put("content", "email the report");
        messages.addObject().put("role", "assistant").putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
                .putObject("function").put("name", "send_mail").put("arguments", "{\"to\":\"jane.doe@example.com\",\"subject\":\"report\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "sent to jane.doe@example.com");
        chain(answering("ok")).execute(TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, json), MutableHeaders.of(), new FakeTicker()), new Sink());

        JsonNode sent = Json.parse(upstreamBodies.getFirst());
        JsonNode arguments = Json.MAPPER.readTree(sent.at("/messages/1/tool_calls/0/function/arguments").asText());
        assertThat(arguments.path("to").asText()).isEqualTo("[REDACTED:email]");
        assertThat(sent.at("/messages/2/content").asText()).isEqualTo("sent to [REDACTED:email]");
    }

    @Test
    void aToolCallInTheAnswerIsCheckedLikeItsText() throws Exception {
        ObjectNode withKey = completion(null);
        ((ObjectNode) withKey.at("/choices/0/message")).putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
                .putObject("function").put("name", "configure").put("arguments", "{\"aws_key\":\"AKIAIOSFODNN7EXAMPLE\"}");
        Sink blocked = new Sink();
        chain((ex, sink) -> sink.unary(GatewayResponse.json(200, withKey, usage))).execute(TestExchange.chat("chat", "set it up"), blocked);
        assertThat(blocked.events).containsExactly("fail 400");
        assertThat(blocked.error.message()).isEqualTo("Blocked by guardrail 'no-aws-out' (output).");

        // a natively served Anthropic answer: every string of a tool_use block's input, at any depth
        ObjectNode anthropic = Json.object().put("type", "message").put("role", "assistant");
        anthropic.putArray("content").addObject().put("type", "tool_use").put("id", "toolu_1").put("name", "call")
                .putObject("input").putArray("numbers").addObject().put("home", "+1 (415) 555-2671");
        Sink redacted = new Sink();
        chain((ex, sink) -> sink.unary(GatewayResponse.json(200, anthropic, usage))).execute(TestExchange.chat("chat", "call home"), redacted);
        assertThat(redacted.events).containsExactly("unary 200");
        assertThat(Json.parse(redacted.response.body()).at("/content/0/input/numbers/0/home").asText()).isEqualTo("[REDACTED:phone]");
    }

    @Test
    void streamedToolCallArgumentsAreCheckedAcrossChunksInTheirOwnWindow() throws Exception {
        Terminal upstream = (ex, sink) -> {
            sink.streamStart(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
            sink.chunk(delta("AKIAIOSF")); // the text's window: not joined with the call's arguments below
            sink.chunk(toolDelta("{\"key\":\"ODNN7EXAMPLE\",\"other\":\"AKIAIOS"));
            sink.chunk(toolDelta("FODNN7EXAMPLE\"}"));
            sink.streamEnd();
        };
        Sink client = new Sink();
        chain(upstream).execute(TestExchange.chat("chat", "hi"), client);

        assertThat(client.events).containsExactly("start", "chunk", "chunk", "fail 400");
        assertThat(client.error.message()).isEqualTo("Blocked by guardrail 'no-aws-out' (output).");

        ObjectNode anthropicDelta = Json.object().put("type", "content_block_delta").put("index", 1);
        anthropicDelta.putObject("delta").put("type", "input_json_delta").put("partial_json", "{\"phone\":\"415-555-2671\"}");
        List<String> windows = new ArrayList<>();
        GuardrailTexts.delta(anthropicDelta, (index, text) -> windows.add(index + ":" + text));
        assertThat(windows).containsExactly(GuardrailTexts.toolWindow(0, 1) + ":{\"phone\":\"415-555-2671\"}");
    }

    private static StreamChunk toolDelta(String arguments) {
        ObjectNode chunk = Json.object().put("object", "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).putObject("delta").putArray("tool_calls").addObject()
                .put("index", 0).putObject("function").put("arguments", arguments);
        return StreamChunk.of(Json.bytes(chunk));
    }

    @Test
    void aGuardrailScopedToAnAliasLeavesOtherAliasesAlone() throws Exception {
        Sink onOther = new Sink();
        chain(answering("ok")).execute(TestExchange.chat("other", "this is Forbidden talk"), onOther);
        assertThat(onOther.events).containsExactly("unary 200");

        Sink onChat = new Sink();
        chain(answering("ok")).execute(TestExchange.chat("chat", "this is Forbidden talk"), onChat);
        assertThat(onChat.events).containsExactly("fail 400");
        assertThat(onChat.error.message()).isEqualTo("Blocked by guardrail 'chat-only' (input).");
    }

    @Test
    void blockedUnaryAnswerBecomes400ButIsStillMetered() {
        Sink client = new Sink();
        DefaultExchange ex = TestExchange.chat("chat", "what is the key?");
        chain(answering("It is AKIAIOSFODNN7EXAMPLE.")).execute(ex, client);

        assertThat(client.events).containsExactly("fail 400");
        assertThat(client.error.code()).isEqualTo("guardrail_blocked");
        assertThat(client.error.message()).isEqualTo("Blocked by guardrail 'no-aws-out' (output).").doesNotContain("AKIA");
        assertThat(ex.record().status()).isEqualTo(400);
        assertThat(ex.record().errorCode()).isEqualTo("guardrail_blocked");
        // the upstream answered and billed: metering still records it
        assertThat(ex.record().usage()).isEqualTo(usage);
        assertThat(ex.record().costUsd()).isPositive();
        assertThat(registry.get("gateway.tokens").tags("type", "output").counter().count()).isEqualTo(500);
        assertThat(checks("no-aws-out", "output", "blocked")).isEqualTo(1);
    }

    @Test
    void redactedUnaryAnswerReachesTheClientRedactedWithoutTouchingTheUpstreamsTree() throws Exception {
        ObjectNode answer = completion("Call us at +1 (415) 555-2671 today.");
        Sink client = new Sink();
        Terminal upstream = (ex, sink) -> sink.unary(GatewayResponse.json(200, answer, usage));
        chain(upstream).execute(TestExchange.chat("chat", "number?"), client);

        assertThat(client.events).containsExactly("unary 200");
        JsonNode sent = Json.parse(client.response.body());
        assertThat(sent.at("/choices/0/message/content").asText()).isEqualTo("Call us at [REDACTED:phone] today.");
        // a cached answer's tree is shared between hits: it must stay as it was
        assertThat(answer.at("/choices/0/message/content").asText()).contains("555-2671");
        assertThat(checks("mask-phone-out", "output", "redacted")).isEqualTo(1);
        assertThat(checks("no-aws-out", "output", "pass")).isEqualTo(1);
    }

    @Test
    void aStreamPassesChunkByChunkAndEndsWithTheErrorEventWhenAMatchCompletesAcrossChunks() throws Exception {
        boolean[] cancelled = {false};
        Terminal upstream = (ex, sink) -> {
            ex.onCancel(() -> cancelled[0] = true);
            sink.streamStart(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
            for (String piece : List.of("Sure, the key ", "is AKIAIOSF", "ODNN7EXAMPLE and", " the rest")) {
                if (!ex.isCancelled()) {
                    sink.chunk(delta(piece));
                }
            }
            sink.streamEnd();
        };
        Sink client = new Sink();
        chain(upstream).execute(TestExchange.chat("chat", "key?"), client);

        assertThat(client.events).containsExactly("start", "chunk", "chunk", "fail 400");
        assertThat(client.error.code()).isEqualTo("guardrail_blocked");
        assertThat(client.error.message()).isEqualTo("Blocked by guardrail 'no-aws-out' (output).");
        assertThat(cancelled[0]).isTrue();
        assertThat(checks("no-aws-out", "output", "blocked")).isEqualTo(1);
    }

    @Test
    void aCleanStreamPassesUntouchedAndCountsAPass() throws Exception {
        List<StreamChunk> sent = List.of(delta("Hello"), delta(" there"));
        Terminal upstream = (ex, sink) -> {
            sink.streamStart(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
            sent.forEach(sink::chunk);
            sink.streamEnd();
        };
        Sink client = new Sink();
        chain(upstream).execute(TestExchange.chat("chat", "hi"), client);

        assertThat(client.events).containsExactly("start", "chunk", "chunk", "end");
        assertThat(client.chunks).containsExactlyElementsOf(sent); // the same instances: written without re-serializing
        assertThat(checks("no-aws-out", "output", "pass")).isEqualTo(1);
        assertThat(checks("mask-phone-out", "output", "pass")).isEqualTo(1);
    }

    @Test
    void aRedactGuardrailRewritesAStreamHoldingBackOnlyWhatCouldStillBecomeAMatch() throws Exception {
        Terminal upstream = (ex, sink) -> {
            sink.streamStart(GatewayResponse.streaming(200, MutableHeaders.of("content-type", "text/event-stream")));
            sink.chunk(delta("Call 415-555-"));
            sink.chunk(delta("2671 now, or +44 20 7946 0958"));
            sink.streamEnd(); // no finish chunk: the end of the stream lets the held number go
        };
        Sink client = new Sink();
        chain(upstream).execute(TestExchange.chat("chat", "hi"), client);

        List<String> texts = client.chunks.stream().map(c -> c.json().at("/choices/0/delta/content").asText()).toList();
        assertThat(client.events).containsExactly("start", "chunk", "chunk", "chunk", "end");
        assertThat(texts).containsExactly("Call ", "[REDACTED:phone] now, or ", "[REDACTED:phone]");
        assertThat(checks("mask-phone-out", "output", "redacted")).isEqualTo(1);
        assertThat(checks("no-aws-out", "output", "pass")).isEqualTo(1);
    }

    @Test
    void noGuardrailsMeansNoFilter() throws Exception {
        assertThat(new GuardrailFilterFactory().create(GatewayConfig.empty(), services)).isNull();
    }

    private static StreamChunk delta(String text) {
        ObjectNode chunk = Json.object().put("object", "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", text);
        return StreamChunk.of(Json.bytes(chunk));
    }

    /** Records what the client would get, the unary answer included. */
    private static final class Sink implements ResponseSink {
        final List<String> events = new ArrayList<>();
        final List<StreamChunk> chunks = new ArrayList<>();
        GatewayError error;
        GatewayResponse response;

        @Override public void unary(GatewayResponse r) { response = r; events.add("unary " + r.status()); }
        @Override public void streamStart(GatewayResponse head) { events.add("start"); }
        @Override public void chunk(StreamChunk c) { chunks.add(c); events.add("chunk"); }
        @Override public void streamEnd() { events.add("end"); }
        @Override public void fail(GatewayError e) { error = e; events.add("fail " + e.status()); }
        @Override public boolean isWritable() { return true; }
        @Override public void onWritable(Runnable resume) { resume.run(); }
    }
}
