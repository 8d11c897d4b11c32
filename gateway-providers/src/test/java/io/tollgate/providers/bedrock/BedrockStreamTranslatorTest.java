package io.tollgate.providers.bedrock;

import static io.tollgate.providers.bedrock.EventStreamEncoder.concat;
import static io.tollgate.providers.bedrock.EventStreamEncoder.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.providers.openai.CollectingSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BedrockStreamTranslatorTest {

    static final byte[] TEXT_STREAM = concat(
            event("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdefgh\"}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"},\"p\":\"abc\"}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" world\"}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            event("messageStop", "{\"stopReason\":\"end_turn\"}"),
            event("metadata", "{\"usage\":{\"inputTokens\":12,\"outputTokens\":3,\"totalTokens\":15,\"cacheReadInputTokens\":100,\"cacheWriteInputTokens\":5},\"metrics\":{\"latencyMs\":321}}"));

    static final byte[] TOOL_STREAM = concat(
            event("messageStart", "{\"role\":\"assistant\"}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Checking.\"}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_abc\",\"name\":\"weather\"}}}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"),
            event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"\\\"Paris\\\"}\"}}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":1}"),
            event("messageStop", "{\"stopReason\":\"tool_use\"}"),
            event("metadata", "{\"usage\":{\"inputTokens\":50,\"outputTokens\":20,\"totalTokens\":70}}"));

    static StreamTranslator translator(boolean includeUsage) {
        return new BedrockStreamTranslator(includeUsage, 1_700_000_000L, "claude");
    }

    static CollectingSink run(StreamTranslator t, byte[] body, List<Integer> cuts) {
        CollectingSink sink = new CollectingSink();
        int from = 0;
        for (int cut : cuts) {
            t.feed(ByteBuffer.wrap(body, from, cut - from), sink);
            from = cut;
        }
        t.feed(ByteBuffer.wrap(body, from, body.length - from), sink);
        t.end(sink);
        return sink;
    }

    @Test
    void textStreamTranslatesWithUsageFromMetadata() {
        CollectingSink sink = run(translator(false), TEXT_STREAM, List.of());
        assertThat(sink.errors).isEmpty();
        List<StreamChunk> c = sink.chunks;
        assertThat(c).hasSize(5);
        assertThat(c.get(0).json().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(c.get(1).json().at("/choices/0/delta/content").asText()).isEqualTo("Hello");
        assertThat(c.get(2).json().at("/choices/0/delta/content").asText()).isEqualTo(" world");
        assertThat(c.get(3).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        StreamChunk usage = c.get(4);
        assertThat(usage.isUsageOnly()).isTrue();
        assertThat(usage.json().path("choices").isEmpty()).isTrue();
        assertThat(usage.usage()).isEqualTo(new TokenUsage(117, 3, 100, 5, 0));
        assertThat(usage.json().at("/usage/prompt_tokens").asInt()).isEqualTo(117);
        assertThat(run(translator(true), TEXT_STREAM, List.of()).chunks.get(4).isUsageOnly()).isFalse();
    }

    @Test
    void framesSplitAnywhereGiveIdenticalChunks() {
        for (byte[] body : List.of(TEXT_STREAM, TOOL_STREAM)) {
            List<String> whole = run(translator(false), body, List.of()).summary();
            // a frame cut inside its prelude, and one cut inside its payload
            assertThat(run(translator(false), body, List.of(5)).summary()).isEqualTo(whole);
            assertThat(run(translator(false), body, List.of(40)).summary()).isEqualTo(whole);
            Random random = new Random(42);
            for (int round = 0; round < 50; round++) {
                List<Integer> cuts = new ArrayList<>();
                int at = 0;
                while ((at += 1 + random.nextInt(30)) < body.length) cuts.add(at);
                assertThat(run(translator(false), body, cuts).summary()).as("round %d", round).isEqualTo(whole);
            }
        }
    }

    @Test
    void toolUseStreamGivesToolCallDeltasWithJsonArguments() throws Exception {
        CollectingSink sink = run(translator(false), TOOL_STREAM, List.of());
        assertThat(sink.errors).isEmpty();
        StringBuilder args = new StringBuilder();
        String id = null;
        String name = null;
        String finish = null;
        for (StreamChunk c : sink.chunks) {
            JsonNode choice = c.json().path("choices").path(0);
            for (JsonNode call : choice.path("delta").path("tool_calls")) {
                assertThat(call.path("index").asInt()).isZero();
                if (call.has("id")) {
                    id = call.get("id").asText();
                    name = call.at("/function/name").asText();
                }
                args.append(call.at("/function/arguments").asText(""));
            }
            if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
        }
        assertThat(id).isEqualTo("tooluse_abc");
        assertThat(name).isEqualTo("weather");
        assertThat(Json.parse(args.toString().getBytes(StandardCharsets.UTF_8)).path("city").asText()).isEqualTo("Paris");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(sink.chunks.get(sink.chunks.size() - 1).usage()).isEqualTo(TokenUsage.of(50, 20));
    }

    @Test
    void badCrcIsAStreamError() {
        byte[] body = TEXT_STREAM.clone();
        body[30] ^= 0x01;   // inside the first frame's headers: the message CRC no longer matches
        CollectingSink sink = run(translator(false), body, List.of());
        assertThat(sink.errors).singleElement().satisfies(e -> {
            assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR);
            assertThat(e.message()).contains("CRC");
        });
        assertThat(sink.chunks).isEmpty();
        byte[] prelude = TEXT_STREAM.clone();
        prelude[9] ^= 0x01;   // the prelude CRC itself
        assertThat(run(translator(false), prelude, List.of()).errors).singleElement().satisfies(e -> assertThat(e.message()).contains("prelude"));
    }

    @Test
    void exceptionFramesAreClassified() {
        byte[] start = event("messageStart", "{\"role\":\"assistant\"}");
        CollectingSink throttled = run(translator(false), concat(start, EventStreamEncoder.exception("throttlingException", "Too many requests")), List.of());
        assertThat(throttled.errors).singleElement().satisfies(e -> assertThat(e.failure()).isEqualTo(FailureClass.RATE_LIMIT));
        for (String type : List.of("serviceUnavailableException", "internalServerException", "modelStreamErrorException")) {
            CollectingSink s = run(translator(false), concat(start, EventStreamEncoder.exception(type, "boom")), List.of());
            assertThat(s.errors).as(type).singleElement().satisfies(e -> assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR));
        }
        CollectingSink invalid = run(translator(false), EventStreamEncoder.exception("validationException", "bad input"), List.of());
        assertThat(invalid.errors).singleElement().satisfies(e -> {
            assertThat(e.failure()).isEqualTo(FailureClass.CLIENT_ERROR);
            assertThat(e.status()).isEqualTo(400);
        });
    }

    @Test
    void streamEndingBeforeMessageStopIsAnError() {
        byte[] partial = concat(event("messageStart", "{\"role\":\"assistant\"}"), event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"}}"));
        CollectingSink sink = run(translator(false), partial, List.of());
        assertThat(sink.errors).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(502));
        // and a body cut in the middle of the final frame
        CollectingSink cut = run(translator(false), java.util.Arrays.copyOf(TEXT_STREAM, TEXT_STREAM.length - 10), List.of());
        assertThat(cut.errors).hasSize(1);
    }
}
