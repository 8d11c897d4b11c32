package io.tollgate.core.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.GuardrailConfig;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streamed redaction: what a client reads, chunk by chunk and in all, against the unary rules. */
class StreamRedactorTest {

    private static final Guardrail[] ALL = {
            guardrail("pii", List.copyOf(GuardrailConfig.DETECTORS)),
            guardrail("custom", List.of("regex:(?i)project\\s+\\w+"))};

    private static Guardrail guardrail(String name, List<String> match) {
        return new Guardrail(new GuardrailConfig(name, GuardrailConfig.Stage.OUTPUT, List.of(), GuardrailConfig.Action.REDACT, match),
                new SimpleMeterRegistry());
    }

    /** The unary answer of the same text: what the stream must add up to. */
    private static String unary(String text) {
        String out = text;
        for (Guardrail g : ALL) {
            out = g.redact(out);
        }
        return out;
    }

    private static final List<String> TEXTS = List.of(
            "Write to jane.doe@example.com or bob@corp.example.org, they answer within a day.",
            "Card 4111 1111 1111 1111 was charged; 4111 1111 1111 1112 was not (bad checksum).",
            "Call +1 (415) 555-2671 or 415-555-2671. Order 12345 ships in 2026.",
            "SSN 123-45-6789, host 10.0.0.12, version 1.2.3.4.5, key AKIAIOSFODNN7EXAMPLE.",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----\nDone.",
            "The codename is Project Nightingale; project   Falcon too. Plain text at the end.",
            "Nothing to hide here, just words and numbers like 42 and 3.14 and a trailing dot.",
            "an address at the very end: last@example.io");

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 13})
    void anyChunkingAddsUpToTheUnaryRedaction(int size) {
        for (String text : TEXTS) {
            Stream s = new Stream();
            for (int i = 0; i < text.length(); i += size) {
                s.chat(text.substring(i, Math.min(text.length(), i + size)), null);
            }
            s.chat("", "stop");
            assertThat(s.text()).as("chunks of %d: %s", size, text).isEqualTo(unary(text));
        }
    }

    @Test
    void randomChunkingsAddUpToTheUnaryRedaction() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            String text = TEXTS.get(random.nextInt(TEXTS.size()));
            Stream s = new Stream();
            for (int i = 0; i < text.length(); ) {
                int n = 1 + random.nextInt(12);
                s.chat(text.substring(i, Math.min(text.length(), i + n)), null);
                i += n;
            }
            s.end(); // no finish chunk: the end of the stream releases what is held
            assertThat(s.text()).isEqualTo(unary(text));
        }
    }

    @Test
    void textThatCannotBecomeAMatchIsNotHeldAndItsChunkPassesAsItCame() {
        Stream s = new Stream();
        StreamChunk chunk = chatChunk(0, "Hello, ", null);
        s.redactor.onChunk(chunk, s.sent::add);
        assertThat(s.sent).containsExactly(chunk); // the same instance: not re-serialized

        s.chat("and an e-mail: ja", null);
        assertThat(s.text()).isEqualTo("Hello, and an e-mail: "); // "ja" may become an address: held
        s.chat("ne@example.com ", null);
        assertThat(s.text()).isEqualTo("Hello, and an e-mail: [REDACTED:email] ");
    }

    @Test
    void theFinishChunkCarriesWhatIsStillHeldForItsChoiceAndNoOther() {
        Stream s = new Stream();
        s.redactor.onChunk(chatChunk(0, "mail a@b.co", null), s.sent::add);
        s.redactor.onChunk(chatChunk(1, "mail c@d.co", null), s.sent::add);
        s.redactor.onChunk(chatChunk(0, null, "stop"), s.sent::add);

        JsonNode finish = s.sent.getLast().json();
        assertThat(finish.at("/choices/0/delta/content").asText()).isEqualTo("[REDACTED:email]");
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");

        int before = s.sent.size();
        s.end(); // choice 1 never finished: the end of the stream sends its held text, framed like the stream's chunks
        assertThat(s.sent).hasSize(before + 1);
        JsonNode last = s.sent.getLast().json();
        assertThat(last.at("/choices/0/index").asInt()).isEqualTo(1);
        assertThat(last.at("/choices/0/delta/content").asText()).isEqualTo("[REDACTED:email]");
        assertThat(last.path("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(last.path("model").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void streamedToolCallArgumentsAreRedactedAndStayValidJson() throws Exception {
        Stream s = new Stream();
        String args = "{\"to\":\"jane@example.com\",\"phone\":\"415-555-2671\"}";
        for (int i = 0; i < args.length(); i += 4) {
            s.redactor.onChunk(toolChunk(args.substring(i, Math.min(args.length(), i + 4))), s.sent::add);
        }
        s.redactor.onChunk(chatChunk(0, null, "tool_calls"), s.sent::add);

        String streamed = s.sent.stream().map(c -> c.json().at("/choices/0/delta/tool_calls/0/function/arguments").asText(""))
                .collect(Collectors.joining());
        assertThat(Json.parse(streamed.getBytes()).toString()).isEqualTo("{\"to\":\"[REDACTED:email]\",\"phone\":\"[REDACTED:phone]\"}");
    }

    @Test
    void anthropicHeldTextGoesOutInADeltaEventJustBeforeContentBlockStop() {
        Stream s = new Stream();
        s.redactor.onChunk(anthropic("content_block_delta", 0, "Reach me at bob@exa"), s.sent::add);
        s.redactor.onChunk(anthropic("content_block_delta", 0, "mple.com"), s.sent::add);
        StreamChunk stop = anthropic("content_block_stop", 0, null);
        s.redactor.onChunk(stop, s.sent::add);

        assertThat(s.sent).hasSize(4);
        assertThat(s.sent.get(2).event()).isEqualTo("content_block_delta");
        assertThat(s.sent.get(2).json().at("/delta/type").asText()).isEqualTo("text_delta");
        assertThat(s.sent.get(3)).isSameAs(stop);
        String text = s.sent.stream().map(c -> c.json().at("/delta/text").asText("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("Reach me at [REDACTED:email]");
    }

    @Test
    void responsesHeldTextGetsItsOwnDeltaEventAndLaterSequenceNumbersMoveUp() {
        Stream s = new Stream();
        s.redactor.onChunk(responses("response.output_text.delta", 5, Json.object().put("delta", "ssn 123-45-")), s.sent::add);
        s.redactor.onChunk(responses("response.output_text.delta", 6, Json.object().put("delta", "6789")), s.sent::add);
        s.redactor.onChunk(responses("response.output_text.done", 7, Json.object().put("text", "ssn 123-45-6789")), s.sent::add);
        ObjectNode completed = Json.object();
        completed.putObject("response").putArray("output").addObject().put("type", "message").putArray("content").addObject()
                .put("type", "output_text").put("text", "ssn 123-45-6789");
        s.redactor.onChunk(responses("response.completed", 8, completed), s.sent::add);

        assertThat(s.sent).extracting(c -> c.json().path("type").asText()).containsExactly("response.output_text.delta",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.done", "response.completed");
        assertThat(s.sent).extracting(c -> c.json().path("sequence_number").asInt()).containsExactly(5, 6, 7, 8, 9);
        String deltas = s.sent.stream().map(c -> c.json().path("delta").asText("")).collect(Collectors.joining());
        assertThat(deltas).isEqualTo("ssn [REDACTED:us-ssn]");
        assertThat(s.sent.get(2).json().path("item_id").asText()).isEqualTo("msg_1");
        assertThat(s.sent.get(3).json().path("text").asText()).isEqualTo("ssn [REDACTED:us-ssn]");
        assertThat(s.sent.get(4).json().at("/response/output/0/content/0/text").asText()).isEqualTo("ssn [REDACTED:us-ssn]");
        assertThat(s.redactor.redacted(0)).isTrue();
        assertThat(s.redactor.redacted(1)).isFalse();
    }

    @Test
    void aCachedChunksTreeIsNeverEditedInPlace() {
        StreamChunk cached = chatChunk(0, "mail a@b.co and more", null);
        String before = cached.json().toString();
        Stream s = new Stream();
        s.redactor.onChunk(cached, s.sent::add);
        s.end();
        assertThat(cached.json().toString()).isEqualTo(before);
        assertThat(s.text()).isEqualTo("mail [REDACTED:email] and more");
    }

    @Test
    void heldTextPastTheLimitIsLetGo() {
        Guardrail greedy = guardrail("greedy", List.of("regex:BEGIN[\\s\\S]*END"));
        StreamRedactor redactor = new StreamRedactor(new Guardrail[] {greedy});
        List<StreamChunk> sent = new ArrayList<>();
        redactor.onChunk(chatChunk(0, "BEGIN", null), sent::add);
        String filler = "x".repeat(100);
        for (int i = 0; i < StreamRedactor.HOLD_LIMIT / 100 + 1; i++) {
            redactor.onChunk(chatChunk(0, filler, null), sent::add);
        }
        String text = sent.stream().map(c -> c.json().at("/choices/0/delta/content").asText("")).collect(Collectors.joining());
        assertThat(text).startsWith("BEGIN").hasSizeGreaterThan(StreamRedactor.HOLD_LIMIT);
    }

    // ---- helpers ----

    /** One stream through a redactor with every detector, and what it sent. */
    private static final class Stream {
        final StreamRedactor redactor = new StreamRedactor(ALL);
        final List<StreamChunk> sent = new ArrayList<>();

        void chat(String content, String finish) {
            redactor.onChunk(chatChunk(0, content, finish), sent::add);
        }

        void end() {
            redactor.onEnd(sent::add);
        }

        String text() {
            return sent.stream().map(c -> c.json().at("/choices/0/delta/content").asText("")).collect(Collectors.joining());
        }
    }

    private static StreamChunk chatChunk(int index, String content, String finish) {
        ObjectNode chunk = Json.object().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("model", "gpt-4o-mini");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        ObjectNode delta = choice.putObject("delta");
        if (content != null) {
            delta.put("content", content);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return StreamChunk.of(Json.bytes(chunk));
    }

    private static StreamChunk toolChunk(String arguments) {
        ObjectNode chunk = Json.object().put("object", "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).putObject("delta").putArray("tool_calls").addObject()
                .put("index", 0).putObject("function").put("arguments", arguments);
        return StreamChunk.of(Json.bytes(chunk));
    }

    private static StreamChunk anthropic(String type, int index, String text) {
        ObjectNode event = Json.object().put("type", type).put("index", index);
        if (text != null) {
            event.putObject("delta").put("type", "text_delta").put("text", text);
        }
        return StreamChunk.event(type, Json.bytes(event));
    }

    private static StreamChunk responses(String type, int sequence, ObjectNode fields) {
        ObjectNode event = Json.object().put("type", type).put("item_id", "msg_1").put("output_index", 0).put("content_index", 0);
        event.setAll(fields);
        event.put("sequence_number", sequence);
        return StreamChunk.event(type, Json.bytes(event));
    }
}
