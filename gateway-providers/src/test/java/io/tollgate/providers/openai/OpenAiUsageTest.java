package io.tollgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.model.TokenUsage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiUsageTest {

    private static TokenUsage read(String body) {
        return OpenAiUsage.fromBody(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheTopLevelUsageOfAChatAnswer() {
        TokenUsage u = read("""
                {"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
                 "usage" : {"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,
                            "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":1}}}""");
        assertThat(u).isEqualTo(new TokenUsage(12, 3, 4, 0, 1));
    }

    @Test
    void readsTheResponsesApiShape() {
        TokenUsage u = read("{\"id\":\"resp_1\",\"output\":[],\"usage\":{\"input_tokens\":7,\"output_tokens\":2,"
                + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens_details\":{\"reasoning_tokens\":0}},\"status\":\"completed\"}");
        assertThat(u).isEqualTo(new TokenUsage(7, 2, 0, 0, 0));
    }

    @Test
    void ignoresUsageThatIsNotAKeyOfTheOutermostObject() {
        // nested under a choice, inside strings (plain and with escaped quotes), and as a string value
        String body = """
                {"choices":[{"message":{"content":"\\"usage\\":{\\"prompt_tokens\\":99}","usage":{"prompt_tokens":98}}}],
                 "note":"usage","tool":"say \\"usage\\": {}",
                 "usage":{"prompt_tokens":5,"completion_tokens":6}}""";
        assertThat(read(body)).isEqualTo(new TokenUsage(5, 6, 0, 0, 0));
    }

    @Test
    void absentNullOrUnreadableUsageIsNull() {
        assertThat(read("{\"choices\":[]}")).isNull();
        assertThat(read("{\"usage\":null}")).isNull();
        assertThat(read("{\"choices\":[{\"usage\":{\"prompt_tokens\":1}}]}")).isNull();
        assertThat(read("not json at all")).isNull();
        assertThat(read("{\"usage\":{\"prompt_tokens\":")).isNull();
        assertThat(read("")).isNull();
    }

    @Test
    void oddValuesCountAsZeroAndUnknownKeysAreSkipped() throws Exception {
        String usage = "{\"extra\":{\"a\":[1,{\"prompt_tokens\":50}]},\"prompt_tokens\":\"12\",\"completion_tokens\":-3,"
                + "\"prompt_tokens_details\":{\"audio_tokens\":9,\"cached_tokens\":2.9},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":99999999999999999999999}}";
        TokenUsage expected = new TokenUsage(0, 0, 2, 0, 0);
        assertThat(read("{\"usage\":" + usage + "}")).isEqualTo(expected);
        // a chunk's usage, already a tree, reads the same
        assertThat(OpenAiUsage.parse(io.tollgate.core.model.Json.parse(usage.getBytes(StandardCharsets.UTF_8)))).isEqualTo(expected);
        assertThat(read("{\"usage\":{\"prompt_tokens\":3,\"input_tokens\":null}}")).as("the Responses shape wins when its key is there")
                .isEqualTo(new TokenUsage(0, 0, 0, 0, 0));
    }
}
