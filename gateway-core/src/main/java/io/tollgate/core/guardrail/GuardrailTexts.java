package io.tollgate.core.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.ApiKind;
import java.util.function.UnaryOperator;

/**
 * Where the text is in each canonical body: what a model reads in a request and writes in an answer.
 * A walk hands every text to {@code fn}; when {@code fn} returns a different string the walk first
 * runs {@code beforeWrite} once (so a request is marked edited only when something changed), then
 * stores it in place.
 */
final class GuardrailTexts {

    private GuardrailTexts() {}

    /**
     * The request texts: chat and Messages {@code messages[].content} (strings, or the text parts of
     * an array; the system prompt is a message in the canonical body), legacy {@code prompt},
     * embeddings {@code input}, Responses {@code instructions} and {@code input} (a string or items
     * with content parts, and tool outputs).
     */
    static void request(ApiKind api, ObjectNode body, UnaryOperator<String> fn, Runnable beforeWrite) {
        Walk w = new Walk(fn, beforeWrite);
        switch (api) {
            case CHAT_COMPLETIONS, MESSAGES -> {
                for (JsonNode m : body.path("messages")) {
                    w.content(m);
                }
            }
            case COMPLETIONS -> w.stringOrStrings(body, "prompt");
            case EMBEDDINGS -> w.stringOrStrings(body, "input");
            case RESPONSES -> {
                w.field(body, "instructions");
                JsonNode input = body.get("input");
                if (input != null && input.isTextual()) {
                    w.field(body, "input");
                } else if (input instanceof ArrayNode items) {
                    for (JsonNode item : items) {
                        w.content(item);
                        w.field(item, "output"); // function_call_output
                    }
                }
            }
        }
    }

    /**
     * The answer texts of a unary body, whatever its shape: chat {@code choices[].message.content},
     * legacy {@code choices[].text}, Anthropic's {@code content[].text} (a natively served
     * {@code /v1/messages} answer) and Responses {@code output[].content[].text}.
     */
    static void answer(JsonNode body, UnaryOperator<String> fn, Runnable beforeWrite) {
        Walk w = new Walk(fn, beforeWrite);
        for (JsonNode choice : body.path("choices")) {
            w.content(choice.path("message"));
            w.field(choice, "text");
        }
        if (body.path("content").isArray()) {
            w.content(body);
        }
        for (JsonNode item : body.path("output")) {
            w.content(item);
        }
    }

    /**
     * The text a stream chunk adds, for choice (or block) {@code index}: chat {@code delta.content},
     * legacy {@code text}, Anthropic {@code text_delta}, Responses {@code response.output_text.delta}.
     * Calls {@code sink} once per non-empty piece.
     */
    static void delta(JsonNode chunk, DeltaSink sink) {
        JsonNode choices = chunk.get("choices");
        if (choices != null) {
            for (JsonNode choice : choices) {
                int index = choice.path("index").asInt(0);
                text(choice.path("delta").get("content"), index, sink);
                text(choice.get("text"), index, sink);
            }
            return;
        }
        JsonNode delta = chunk.get("delta");
        if (delta == null) {
            return;
        }
        String type = chunk.path("type").asText("");
        if (type.equals("response.output_text.delta")) {
            text(delta, chunk.path("output_index").asInt(0), sink);
        } else if (type.equals("content_block_delta") && "text_delta".equals(delta.path("type").asText())) {
            text(delta.get("text"), 0, sink);
        }
    }

    @FunctionalInterface
    interface DeltaSink {
        void accept(int index, String text);
    }

    private static void text(JsonNode node, int index, DeltaSink sink) {
        if (node != null && node.isTextual() && !node.asText().isEmpty()) {
            sink.accept(index, node.asText());
        }
    }

    /** One pass over a body. */
    private static final class Walk {
        private final UnaryOperator<String> fn;
        private final Runnable beforeWrite;
        private boolean wrote;

        Walk(UnaryOperator<String> fn, Runnable beforeWrite) {
            this.fn = fn;
            this.beforeWrite = beforeWrite;
        }

        /** {@code holder.content}: a string, or parts whose {@code text} is a string (text, input_text, output_text). */
        void content(JsonNode holder) {
            JsonNode content = holder.get("content");
            if (content == null) {
                return;
            }
            if (content.isTextual()) {
                field(holder, "content");
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    field(part, "text");
                }
            }
        }

        void stringOrStrings(ObjectNode body, String key) {
            JsonNode v = body.get(key);
            if (v != null && v.isTextual()) {
                field(body, key);
            } else if (v instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i).isTextual()) {
                        String text = a.get(i).asText();
                        String out = fn.apply(text);
                        if (out != text) {
                            written();
                            a.set(i, out);
                        }
                    }
                }
            }
        }

        void field(JsonNode holder, String key) {
            JsonNode v = holder.get(key);
            if (v == null || !v.isTextual() || !(holder instanceof ObjectNode o)) {
                return;
            }
            String text = v.asText();
            String out = fn.apply(text);
            if (out != text) {
                written();
                o.put(key, out);
            }
        }

        private void written() {
            if (!wrote) {
                wrote = true;
                beforeWrite.run();
            }
        }
    }
}
