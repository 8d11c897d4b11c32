package io.tollgate.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The running output estimate of a capped stream, on recorded vendor streams (/work/shared/fixtures). */
class StreamTextLengthTest {

    @org.junit.jupiter.api.BeforeAll
    static void loadTokenizerTables() {
        io.tollgate.core.metering.Tokenizers.awaitLoaded(); // exact counts, not the heuristic of the first second
    }


    private static final Path FIXTURES = Path.of(System.getProperty("tollgate.fixtures", "/work/shared/fixtures"));

    private static List<JsonNode> dataEvents(String file) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(FIXTURES.resolve(file))) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                events.add(Json.parse(line.substring(6).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return events;
    }

    /** An independent count: every textual "content" and "arguments" value anywhere in the event. */
    private static int generatedChars(JsonNode event, String... fields) {
        int n = 0;
        for (String f : fields) {
            for (JsonNode v : event.findValues(f)) {
                n += v.isTextual() ? v.asText().length() : 0;
            }
        }
        return n;
    }

    @Test
    void countsOpenAiContentAndToolCallArgumentFragments() throws IOException {
        for (String file : List.of("openai-chat-stream-include-usage.sse", "openai-chat-stream-tool-calls.sse",
                "openai-chat-stream-parallel-tool-calls.sse")) {
            int ours = 0;
            int expected = 0;
            for (JsonNode e : dataEvents(file)) {
                ours += BudgetFilter.textLength(e);
                expected += generatedChars(e, "content", "arguments", "refusal");
            }
            assertThat(ours).as(file).isPositive().isEqualTo(expected);
        }
    }

    @Test
    void countsAnthropicTextAndToolInputDeltas() throws IOException {
        for (String file : List.of("anthropic-messages-stream-text.sse", "anthropic-messages-stream-tool-use.sse")) {
            int ours = 0;
            int expected = 0;
            for (JsonNode e : dataEvents(file)) {
                ours += BudgetFilter.textLength(e);
                if ("content_block_delta".equals(e.path("type").asText())) {
                    expected += generatedChars(e.get("delta"), "text", "partial_json");
                }
            }
            assertThat(ours).as(file).isPositive().isEqualTo(expected);
        }
    }
}
