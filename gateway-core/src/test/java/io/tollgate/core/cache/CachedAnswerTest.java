package io.tollgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.core.model.Json;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachedAnswerTest {

    private static final String BODY = "{\n  \"id\": \"chatcmpl-1\",\n  \"object\": \"chat.completion\",\n"
            + "  \"choices\": [ { \"index\": 0, \"message\": { \"role\": \"assistant\", \"content\": \"caf\u00e9 \\\"}\\\" \u2603\" } } ],\n"
            + "  \"usage\": { \"prompt_tokens\": 3, \"completion_tokens\": 4 }\n}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSharedBackendsFormKeepsTheBodyByteForByte() {
        CachedAnswer stored = new CachedAnswer(utf8(BODY), 0.0042, "openai", "gpt-4o-mini-2024-07-18");

        CachedAnswer read = CachedAnswer.fromBytes(stored.toBytes());

        assertThat(read.body()).isEqualTo(utf8(BODY));
        assertThat(read.costUsd()).isEqualTo(0.0042);
        assertThat(read.provider()).isEqualTo("openai");
        assertThat(read.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(read.json().at("/choices/0/message/content").asText()).isEqualTo("caf\u00e9 \"}\" \u2603");
    }

    @Test
    void readsEntriesWhateverTheFieldOrderAndWithoutTheFieldsOlderEntriesLack() {
        // entries stored before provider and model were kept hold only cost and body; another writer may order fields otherwise
        String entry = "{\"body\":{\"object\":\"list\",\"data\":[{\"embedding\":[0.5,-1]}]},\"extra\":[1,{\"a\":2}],\"cost_usd\":0.5}";

        CachedAnswer read = CachedAnswer.fromBytes(utf8(entry));

        assertThat(new String(read.body(), StandardCharsets.UTF_8)).isEqualTo("{\"object\":\"list\",\"data\":[{\"embedding\":[0.5,-1]}]}");
        assertThat(read.costUsd()).isEqualTo(0.5);
        assertThat(read.provider()).isEmpty();
        assertThat(read.model()).isEmpty();
    }

    @Test
    void anEntryWithoutABodyObjectIsRefused() {
        assertThatThrownBy(() -> CachedAnswer.fromBytes(utf8("{\"cost_usd\":1}"))).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> CachedAnswer.fromBytes(utf8("{\"body\":\"text\"}"))).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> CachedAnswer.fromBytes(utf8("[1]"))).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> CachedAnswer.fromBytes(utf8("{\"body\":{\"a\":"))).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void aTreeIsStoredAsItsCompactJson() {
        var tree = Json.object().put("object", "chat.completion");

        CachedAnswer answer = CachedAnswer.of(tree, 0, "p", "m");

        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"object\":\"chat.completion\"}");
        assertThat(answer.size()).isEqualTo(answer.body().length + 2);
    }
}
