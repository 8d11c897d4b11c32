package io.tollgate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.StreamTranslator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AnthropicStreamTranslatorTest {

    final AnthropicAdapter adapter = new AnthropicAdapter("anthropic", null, "k", null, Map.of(), AnthropicAdapterTest.CLOCK);

    static GatewayRequest streamRequest(boolean includeUsage) throws Exception {
        String json = "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]"
                + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}";
        return GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    static Fixtures.Sink runWhole(StreamTranslator t, byte[] body) {
        Fixtures.Sink sink = new Fixtures.Sink();
        t.feed(ByteBuffer.wrap(body), sink);
        t.end(sink);
        return sink;
    }

    static Fixtures.Sink runSplit(StreamTranslator t, byte[] body, List<Integer> cuts) {
        Fixtures.Sink sink = new Fixtures.Sink();
        int from = 0;
        for (int cut : cuts) {
            t.feed(ByteBuffer.wrap(body, from, cut - from), sink);
            from = cut;
        }
        t.feed(ByteBuffer.wrap(body, from, body.length - from), sink);
        t.end(sink);
        return sink;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "anthropic-messages-stream-text.sse",
            "anthropic-messages-stream-tool-use.sse",
            "anthropic-messages-stream-tool-use-sdk-recorded.sse",
            "anthropic-messages-stream-text-then-tool-use-sdk-fixture.sse",
            "anthropic-messages-stream-basic-sdk-fixture.sse"})
    void randomSplitsGiveTheSameChunksAsOneFeed(String fixture) throws Exception {
        byte[] body = Fixtures.bytes(fixture);
        List<String> whole = runWhole(adapter.streamTranslator(streamRequest(false)), body).rendered();
        assertThat(whole).isNotEmpty();
        Random random = new Random(fixture.hashCode());
        for (int round = 0; round < 50; round++) {
            List<Integer> cuts = new ArrayList<>();
            int at = 0;
            while (true) {
                at += 1 + random.nextInt(40);
                if (at >= body.length) break;
                cuts.add(at);
            }
            assertThat(runSplit(adapter.streamTranslator(streamRequest(false)), body, cuts).rendered()).isEqualTo(whole);
        }
        // byte by byte, and one event split inside its data line
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i < body.length; i++) everyByte.add(i);
        assertThat(runSplit(adapter.streamTranslator(streamRequest(false)), body, everyByte).rendered()).isEqualTo(whole);
        int mid = new String(body, StandardCharsets.UTF_8).indexOf("content_block_delta\",") ;
        assertThat(runSplit(adapter.streamTranslator(streamRequest(false)), body, List.of(mid)).rendered()).isEqualTo(whole);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theStreamHasEndedAtMessageStop(boolean nativeClient) throws Exception {
        byte[] body = Fixtures.bytes("anthropic-messages-stream-text.sse");
        int stop = new String(body, StandardCharsets.UTF_8).indexOf("event: message_stop");
        StreamTranslator t = new AnthropicStreamTranslator(nativeClient, false, 0);
        Fixtures.Sink sink = new Fixtures.Sink();

        t.feed(ByteBuffer.wrap(body, 0, stop), sink);
        assertThat(t.ended()).as("before message_stop").isFalse();
        t.feed(ByteBuffer.wrap(body, stop, body.length - stop), sink);
        assertThat(t.ended()).isTrue();
        int chunks = sink.chunks.size();
        t.feed(ByteBuffer.wrap("event: ping\ndata: {\"type\": \"ping\"}\n\n".getBytes(StandardCharsets.UTF_8)), sink);
        t.end(sink);
        assertThat(sink.chunks).hasSize(chunks);
        assertThat(sink.errors).isEmpty();
    }

    @Test
    void textStreamBecomesRoleContentFinishAndUsageChunks() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)), Fixtures.bytes("anthropic-messages-stream-text.sse"));
        assertThat(sink.errors).isEmpty();
        List<StreamChunk> c = sink.chunks;
        assertThat(c).hasSize(4);
        assertThat(c.get(0).json().path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(c.get(0).json().path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(c.get(0).json().path("id").asText()).isEqualTo("msg_011CeCGmCzjcUtmtEmMdEiM2");
        assertThat(c.get(1).json().path("choices").get(0).path("delta").path("content").asText()).isEqualTo("1\n2\n3");
        assertThat(c.get(2).json().path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        StreamChunk usage = c.get(3);
        assertThat(usage.json().path("choices")).isEmpty();
        assertThat(usage.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(15);
        assertThat(usage.json().path("usage").path("completion_tokens").asLong()).isEqualTo(9);
        assertThat(usage.usage()).isEqualTo(TokenUsage.of(15, 9));
        assertThat(usage.isUsageOnly()).isTrue();
        // only one chunk carries usage, so metering cannot double count
        assertThat(c.stream().filter(x -> x.usage() != null)).hasSize(1);
    }

    @Test
    void usageChunkIsKeptWhenTheClientAskedForIt() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(true)), Fixtures.bytes("anthropic-messages-stream-text.sse"));
        assertThat(sink.chunks.getLast().isUsageOnly()).isFalse();
        assertThat(sink.chunks.getLast().usage()).isEqualTo(TokenUsage.of(15, 9));
    }

    @Test
    void olderStreamsTakeInputTokensFromMessageStart() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)), Fixtures.bytes("anthropic-messages-stream-basic-sdk-fixture.sse"));
        assertThat(sink.chunks.getLast().usage()).isEqualTo(TokenUsage.of(11, 6));
        assertThat(text(sink.chunks)).isEqualTo("Hello there!");
    }

    @Test
    void toolUseArgumentsReassembleFromFragments() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)), Fixtures.bytes("anthropic-messages-stream-tool-use.sse"));
        JsonNode first = toolCallDeltas(sink.chunks).getFirst();
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("id").asText()).isEqualTo("toolu_01MKSN7NHsBVKr7Jvw5pqCQq");
        assertThat(first.path("function").path("name").asText()).isEqualTo("weather");
        assertThat(first.path("type").asText()).isEqualTo("function");
        assertThat(Json.parse(arguments(sink.chunks, 0).getBytes(StandardCharsets.UTF_8)).path("latitude").asText()).isEqualTo("52.5200");
        assertThat(finishReason(sink.chunks)).isEqualTo("tool_calls");
    }

    @Test
    void textThenToolUseKeepsBothAndNumbersToolCallsFromZero() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)),
                Fixtures.bytes("anthropic-messages-stream-text-then-tool-use-sdk-fixture.sse"));
        assertThat(text(sink.chunks)).isEqualTo("I'll check the current weather in Paris for you.");
        assertThat(toolCallDeltas(sink.chunks)).allSatisfy(d -> assertThat(d.path("index").asInt()).isZero());
        assertThat(toolCallDeltas(sink.chunks).getFirst().path("id").asText()).isEqualTo("toolu_01NRLabsLyVHZPKxbKvkfSMn");
        JsonNode args = Json.parse(arguments(sink.chunks, 0).getBytes(StandardCharsets.UTF_8));
        assertThat(args.path("location").asText()).startsWith("Paris");
        assertThat(sink.chunks.getLast().usage().inputTokens()).isEqualTo(377);
    }

    @Test
    void sdkRecordedToolUseReassembles() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)),
                Fixtures.bytes("anthropic-messages-stream-tool-use-sdk-recorded.sse"));
        assertThat(sink.errors).isEmpty();
        assertThat(Json.parse(arguments(sink.chunks, 0).getBytes(StandardCharsets.UTF_8)).has("location")).isTrue();
        assertThat(sink.chunks.getLast().usage().inputTokens()).isEqualTo(656);
    }

    @Test
    void overloadedErrorEventBecomesRetryableServerError() throws Exception {
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)), Fixtures.bytes("anthropic-stream-error-overloaded-sdk-test.sse"));
        assertThat(sink.chunks).isEmpty();
        assertThat(sink.errors).hasSize(1);
        GatewayError e = sink.errors.getFirst();
        assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.message()).contains("overloaded_error").contains("Overloaded");
    }

    @Test
    void streamCutBeforeMessageStopIsAnError() throws Exception {
        byte[] body = Fixtures.bytes("anthropic-messages-stream-text.sse");
        String s = new String(body, StandardCharsets.UTF_8);
        byte[] cut = s.substring(0, s.indexOf("event: message_delta")).getBytes(StandardCharsets.UTF_8);
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)), cut);
        assertThat(sink.errors).hasSize(1);
        assertThat(sink.errors.getFirst().failure()).isEqualTo(FailureClass.CONNECTION);
    }

    @Test
    void garbledEventEndsTheStreamWithAnErrorNotAnException() throws Exception {
        byte[] body = ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":3}}}\n\n"
                + "event: content_block_delta\ndata: {not json\n\n").getBytes(StandardCharsets.UTF_8);
        Fixtures.Sink sink = runWhole(adapter.streamTranslator(streamRequest(false)), body);
        assertThat(sink.chunks).hasSize(1);
        assertThat(sink.errors).hasSize(1);
        assertThat(sink.errors.getFirst().failure()).isEqualTo(FailureClass.SERVER_ERROR);
    }

    static String text(List<StreamChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (StreamChunk c : chunks) {
            JsonNode d = c.json().path("choices").path(0).path("delta");
            if (d.path("content").isTextual()) sb.append(d.path("content").asText());
        }
        return sb.toString();
    }

    static List<JsonNode> toolCallDeltas(List<StreamChunk> chunks) {
        List<JsonNode> out = new ArrayList<>();
        for (StreamChunk c : chunks) {
            for (JsonNode call : c.json().path("choices").path(0).path("delta").path("tool_calls")) out.add(call);
        }
        return out;
    }

    static String arguments(List<StreamChunk> chunks, int index) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode call : toolCallDeltas(chunks)) {
            if (call.path("index").asInt() == index) sb.append(call.path("function").path("arguments").asText(""));
        }
        return sb.toString();
    }

    static String finishReason(List<StreamChunk> chunks) {
        for (StreamChunk c : chunks) {
            JsonNode f = c.json().path("choices").path(0).path("finish_reason");
            if (f.isTextual()) return f.asText();
        }
        return null;
    }
}
