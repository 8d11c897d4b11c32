package io.tollgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.error.FailureClass;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OpenAiStreamTranslatorTest {

    private static boolean isResponses(byte[] body) {
        return new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).contains("response.");
    }

    private static CollectingSink whole(byte[] body, boolean injected) {
        OpenAiStreamTranslator t = new OpenAiStreamTranslator("openai", injected, isResponses(body));
        CollectingSink sink = new CollectingSink();
        t.feed(ByteBuffer.wrap(body), sink);
        t.end(sink);
        return sink;
    }

    private static CollectingSink split(byte[] body, int[] cuts) {
        OpenAiStreamTranslator t = new OpenAiStreamTranslator("openai", false, isResponses(body));
        CollectingSink sink = new CollectingSink();
        int from = 0;
        for (int cut : cuts) {
            t.feed(ByteBuffer.wrap(body, from, cut - from).slice(), sink);
            from = cut;
        }
        t.feed(ByteBuffer.wrap(body, from, body.length - from).slice(), sink);
        t.end(sink);
        return sink;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "openai-chat-stream-include-usage.sse", "openai-chat-stream-include-usage-2024.sse", "openai-chat-stream-tool-calls.sse",
            "openai-chat-stream-tool-calls-2024.sse", "openai-chat-stream-parallel-tool-calls.sse", "openai-chat-stream-n3-choices.sse",
            "openai-chat-stream-refusal.sse", "openai-chat-stream-finish-length.sse",
            "openai-responses-stream.sse", "openai-responses-stream-function-call.sse", "openai-responses-stream-docs-example.sse"})
    void anySplitOfARecordedStreamGivesTheSameChunksAsTheWholeBody(String fixture) {
        byte[] body = Fixtures.bytes(fixture);
        CollectingSink all = whole(body, false);
        assertThat(all.errors).as("a complete recorded stream is not an error").isEmpty();
        List<String> expected = all.summary();
        assertThat(expected).isNotEmpty();

        // one event cut in the middle of its JSON, straddling two feeds
        int mid = indexOf(body, "\ndata: {".getBytes(StandardCharsets.US_ASCII), body.length / 3) + 20;
        assertThat(split(body, new int[] {mid}).summary()).isEqualTo(expected);
        // every byte on its own
        int[] each = new int[body.length - 1];
        for (int i = 0; i < each.length; i++) each[i] = i + 1;
        assertThat(split(body, each).summary()).isEqualTo(expected);
        // random splits
        Random random = new Random(fixture.hashCode());
        for (int round = 0; round < 20; round++) {
            int[] cuts = random.ints(1 + random.nextInt(12), 1, body.length).sorted().distinct().toArray();
            assertThat(split(body, cuts).summary()).as("cuts %s", java.util.Arrays.toString(cuts)).isEqualTo(expected);
        }
    }

    @Test
    void chatStreamPassesEveryDataEventThroughExceptDoneAndMetersTheUsageChunk() {
        byte[] body = Fixtures.bytes("openai-chat-stream-include-usage.sse");
        CollectingSink sink = whole(body, false);
        int dataEvents = count(body, "data: ");
        assertThat(sink.chunks).hasSize(dataEvents - 1);   // [DONE] is swallowed
        assertThat(sink.chunks).noneMatch(c -> new String(c.data(), StandardCharsets.UTF_8).equals("[DONE]"));
        StreamChunk last = sink.chunks.getLast();
        assertThat(last.usage()).isEqualTo(new TokenUsage(13, 142, 0, 0, 128));
        assertThat(last.isUsageOnly()).isFalse();   // the client asked for it
        assertThat(sink.chunks.subList(0, sink.chunks.size() - 1)).allMatch(c -> c.usage() == null);
        // bytes are passed through untouched
        assertThat(new String(sink.chunks.getFirst().data(), StandardCharsets.UTF_8)).startsWith("{\"id\":\"chatcmpl-DoZGwo7RT9RGQpIKxv7lOQs0f0GnJ\"");
    }

    @Test
    void theUsageChunkTheGatewayAskedForIsMarkedUsageOnly() {
        CollectingSink sink = whole(Fixtures.bytes("openai-chat-stream-include-usage-2024.sse"), true);
        StreamChunk last = sink.chunks.getLast();
        assertThat(last.isUsageOnly()).isTrue();
        assertThat(last.usage()).isNotNull();
        assertThat(last.usage().inputTokens()).isPositive();
        assertThat(sink.chunks.subList(0, sink.chunks.size() - 1)).noneMatch(StreamChunk::isUsageOnly);
    }

    @Test
    void nThreeChoicesStreamHasASingleUsage() {
        CollectingSink sink = whole(Fixtures.bytes("openai-chat-stream-n3-choices.sse"), true);
        assertThat(sink.chunks.stream().filter(c -> c.usage() != null)).hasSize(1);
    }

    @Test
    void responsesStreamKeepsEventNamesAndMetersResponseCompleted() {
        byte[] body = Fixtures.bytes("openai-responses-stream.sse");
        CollectingSink sink = whole(body, false);
        assertThat(sink.chunks).hasSize(count(body, "event: "));
        assertThat(sink.chunks.getFirst().event()).isEqualTo("response.created");
        StreamChunk completed = sink.chunks.getLast();
        assertThat(completed.event()).isEqualTo("response.completed");
        assertThat(completed.usage()).isEqualTo(new TokenUsage(13, 284, 0, 0, 256));
        assertThat(sink.chunks.subList(0, sink.chunks.size() - 1)).allMatch(c -> c.usage() == null);
        // response.created carries "usage":null inside response: not metered
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai-chat-stream-include-usage.sse|data: [DONE]", "openai-responses-stream.sse|event: response.completed"})
    void theStreamHasEndedAtItsLastEventAndWhatFollowsIsIgnored(String fixtureAndLastEvent) {
        String[] parts = fixtureAndLastEvent.split("\\|");
        byte[] body = Fixtures.bytes(parts[0]);
        int last = indexOf(body, parts[1].getBytes(StandardCharsets.US_ASCII), 0);
        OpenAiStreamTranslator t = new OpenAiStreamTranslator("openai", false, isResponses(body));
        CollectingSink sink = new CollectingSink();

        t.feed(ByteBuffer.wrap(body, 0, last).slice(), sink);
        assertThat(t.ended()).as("before the last event").isFalse();
        t.feed(ByteBuffer.wrap(body, last, body.length - last).slice(), sink);
        assertThat(t.ended()).isTrue();

        int chunks = sink.chunks.size();
        t.feed(ByteBuffer.wrap("data: {\"id\":\"late\",\"choices\":[]}\n\n".getBytes(StandardCharsets.UTF_8)), sink);
        t.end(sink);
        assertThat(sink.chunks).as("nothing after the end reaches the client").hasSize(chunks);
        assertThat(sink.errors).isEmpty();
    }

    @Test
    void anErrorObjectInsideTheStreamBecomesAStreamError() {
        byte[] body = ("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        CollectingSink sink = whole(body, false);
        assertThat(sink.chunks).hasSize(1);
        assertThat(sink.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.failure()).isEqualTo(FailureClass.SERVER_ERROR);
            assertThat(e.message()).contains("The server had an error");
        });
    }

    @Test
    void aStreamCutBeforeItsEndIsReportedNotEndedSilently() {
        byte[] body = Fixtures.bytes("openai-chat-stream-include-usage.sse");
        String text = new String(body, StandardCharsets.UTF_8);
        byte[] cut = text.substring(0, text.indexOf("\n\n", text.length() / 2) + 2).getBytes(StandardCharsets.UTF_8);
        CollectingSink sink = whole(cut, false);
        assertThat(sink.chunks).isNotEmpty();
        assertThat(sink.errors).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.failure()).isEqualTo(FailureClass.CONNECTION);
        });
        // a stream that finished (finish_reason seen) but lost only [DONE] is complete
        String beforeDone = text.substring(0, text.indexOf("data: [DONE]"));
        assertThat(whole(beforeDone.getBytes(StandardCharsets.UTF_8), false).errors).isEmpty();
        byte[] responses = Fixtures.bytes("openai-responses-stream.sse");
        String r = new String(responses, StandardCharsets.UTF_8);
        assertThat(whole(r.substring(0, r.indexOf("event: response.completed")).getBytes(StandardCharsets.UTF_8), false).errors).hasSize(1);
        assertThat(whole(new byte[0], false).errors).hasSize(1);
        // a Responses stream without event: names still ends properly on its terminal type
        String unnamed = r.replaceAll("(?m)^event: .*\\n", "");
        CollectingSink dataOnly = whole(unnamed.getBytes(StandardCharsets.UTF_8), false);
        assertThat(dataOnly.errors).isEmpty();
        assertThat(dataOnly.chunks.getLast().usage()).isEqualTo(new TokenUsage(13, 284, 0, 0, 256));
    }

    @Test
    void usageScanFindsOnlyUsageObjects() {
        assertThat(OpenAiUsage.mentionsUsageObject("{\"usage\":null}".getBytes())).isFalse();
        assertThat(OpenAiUsage.mentionsUsageObject("{\"choices\":[]}".getBytes())).isFalse();
        assertThat(OpenAiUsage.mentionsUsageObject("{\"usage\":{\"prompt_tokens\":1}}".getBytes())).isTrue();
        assertThat(OpenAiUsage.mentionsUsageObject("{\"usage\" : \n {\"prompt_tokens\":1}}".getBytes())).isTrue();
        assertThat(OpenAiUsage.mentionsUsageObject("{\"content\":\"usage\"}".getBytes())).isFalse();
    }

    private static int count(byte[] body, String needle) {
        String s = new String(body, StandardCharsets.UTF_8);
        int n = 0;
        for (String line : s.split("\n")) {
            if (line.startsWith(needle)) n++;
        }
        return n;
    }

    private static int indexOf(byte[] a, byte[] b, int from) {
        outer:
        for (int i = from; i <= a.length - b.length; i++) {
            for (int k = 0; k < b.length; k++) {
                if (a[i + k] != b[k]) continue outer;
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
