package io.tollgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.providers.openai.CollectingSink;
import io.tollgate.providers.openai.Fixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeminiStreamTranslatorTest {

    final GeminiAdapter adapter = new GeminiAdapter("gemini", null, "k", Map.of(), GeminiAdapterTest.CLOCK);

    StreamTranslator translator(boolean includeUsage) throws Exception {
        return adapter.streamTranslator(GeminiAdapterTest.chat("{\"model\":\"chat\",\"stream\":true,\"messages\":[]"
                + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}"));
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

    static String text(CollectingSink sink) {
        StringBuilder sb = new StringBuilder();
        for (StreamChunk c : sink.chunks) {
            for (JsonNode choice : c.json().path("choices")) sb.append(choice.path("delta").path("content").asText(""));
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini-streamGenerateContent-text.sse", "gemini-streamGenerateContent-3chunks.sse", "gemini-streamGenerateContent-function-call.sse"})
    void randomSplitsAndAnEventCutInTwoGiveTheSameChunks(String fixture) throws Exception {
        byte[] body = Fixtures.bytes(fixture);
        List<String> whole = run(translator(false), body, List.of()).summary();
        assertThat(whole).isNotEmpty();
        // one event split across two feed() calls: cut inside the first data: payload
        assertThat(run(translator(false), body, List.of(body.length / 3)).summary()).isEqualTo(whole);
        Random random = new Random(fixture.hashCode());
        for (int round = 0; round < 50; round++) {
            List<Integer> cuts = new ArrayList<>();
            int at = 0;
            while (true) {
                at += 1 + random.nextInt(40);
                if (at >= body.length) break;
                cuts.add(at);
            }
            assertThat(run(translator(false), body, cuts).summary()).as("round %d", round).isEqualTo(whole);
        }
        // byte by byte
        List<Integer> every = new ArrayList<>();
        for (int i = 1; i < body.length; i++) every.add(i);
        assertThat(run(translator(false), body, every).summary()).isEqualTo(whole);
    }

    @Test
    void textStreamRoleDeltasFinishThenUsageOnlyChunk() throws Exception {
        CollectingSink sink = run(translator(false), Fixtures.bytes("gemini-streamGenerateContent-text.sse"), List.of());
        assertThat(sink.errors).isEmpty();
        List<StreamChunk> c = sink.chunks;
        assertThat(c).hasSize(5);
        assertThat(c.get(0).json().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(text(sink)).isEqualTo("The weather in Berlin is 15°C with a wind of 10 km/h.");
        assertThat(c.get(1).json().path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(c.get(1).json().path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(c.get(3).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        StreamChunk usage = c.get(4);
        assertThat(usage.json().path("choices").isEmpty()).isTrue();
        assertThat(usage.isUsageOnly()).isTrue();
        assertThat(usage.usage()).isEqualTo(TokenUsage.of(233, 21));
        assertThat(usage.json().at("/usage/total_tokens").asInt()).isEqualTo(254);
    }

    @Test
    void clientAskingForUsageKeepsTheUsageChunk() throws Exception {
        CollectingSink sink = run(translator(true), Fixtures.bytes("gemini-streamGenerateContent-3chunks.sse"), List.of());
        StreamChunk last = sink.chunks.get(sink.chunks.size() - 1);
        assertThat(last.isUsageOnly()).isFalse();
        // the early chunks carry prompt counts only; the last, complete usageMetadata wins
        assertThat(last.usage()).isEqualTo(TokenUsage.of(13, 8));
        assertThat(text(sink)).isEqualTo("The capital of France is Paris.\n");
    }

    @Test
    void functionCallStreamGivesToolCallsWithJsonArguments() throws Exception {
        CollectingSink sink = run(translator(false), Fixtures.bytes("gemini-streamGenerateContent-function-call.sse"), List.of());
        assertThat(sink.errors).isEmpty();
        JsonNode call = null;
        String finish = null;
        for (StreamChunk c : sink.chunks) {
            JsonNode choice = c.json().path("choices").path(0);
            if (choice.path("delta").has("tool_calls")) call = choice.path("delta").path("tool_calls").path(0);
            if (choice.path("finish_reason").isTextual()) finish = choice.get("finish_reason").asText();
        }
        assertThat(call).isNotNull();
        assertThat(call.path("index").asInt()).isZero();
        assertThat(call.path("id").asText()).isEqualTo("call_0");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("weather");
        JsonNode args = io.tollgate.core.model.Json.parse(call.at("/function/arguments").asText().getBytes(StandardCharsets.UTF_8));
        assertThat(args.path("latitude").asText()).isEqualTo("52.5200");
        assertThat(args.path("longitude").asText()).isEqualTo("13.4050");
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void streamEndingWithoutFinishReasonIsAServerError() throws Exception {
        byte[] body = Fixtures.bytes("gemini-streamGenerateContent-text.sse");
        String s = new String(body, StandardCharsets.UTF_8);
        byte[] truncated = s.substring(0, s.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8);
        CollectingSink sink = run(translator(true), truncated, List.of());
        assertThat(sink.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR);
        });
        assertThat(sink.chunks).noneMatch(c -> c.usage() != null);
    }

    @Test
    void errorObjectInsideTheStreamIsClassified() throws Exception {
        byte[] body = "data: {\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        CollectingSink sink = run(translator(false), body, List.of());
        assertThat(sink.errors).singleElement().satisfies(e -> assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR));
        byte[] blocked = "data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        CollectingSink sink2 = run(translator(false), blocked, List.of());
        assertThat(sink2.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.message()).contains("PROHIBITED_CONTENT");
        });
    }
}
