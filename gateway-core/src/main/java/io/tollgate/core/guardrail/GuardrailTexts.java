package io.tollgate.core.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.ApiKind;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Where the text is in each canonical body: what a model reads in a request and writes in an answer,
 * tool calls' arguments included (a model can put the same data in a function call as in prose).
 * A walk hands every text to {@code fn}; when {@code fn} returns a different string the walk first
 * runs {@code beforeWrite} once (so a request is marked edited only when something changed), then
 * stores it in place.
 */
final class GuardrailTexts {

    private GuardrailTexts() {}

    /**
     * The request texts: chat and Messages {@code messages[].content} (strings, or the text parts of
     * an array; the system prompt is a message in the canonical body; tool results are {@code tool}
     * messages) and earlier turns' {@code tool_calls[].function.arguments}, legacy {@code prompt},
     * embeddings {@code input}, Responses {@code instructions} and {@code input} (a string or items
     * with content parts, function calls' arguments and tool outputs).
     */
    static void request(ApiKind api, ObjectNode body, UnaryOperator<String> fn, Runnable beforeWrite) {
        Walk w = new Walk(fn, beforeWrite);
        switch (api) {
            case CHAT_COMPLETIONS, MESSAGES -> {
                for (JsonNode m : body.path("messages")) {
                    w.content(m);
                    w.toolCalls(m);
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
                        w.field(item, "arguments"); // function_call
                        w.field(item, "output"); // function_call_output
                    }
                }
            }
        }
    }

    /**
     * The answer texts of a unary body, whatever its shape: chat {@code choices[].message.content}
     * and {@code tool_calls[].function.arguments}, legacy {@code choices[].text}, Anthropic's
     * {@code content[].text} and every string in a {@code tool_use} block's {@code input} (a natively
     * served {@code /v1/messages} answer), Responses {@code output[].content[].text} and function
     * calls' {@code arguments}.
     */
    static void answer(JsonNode body, UnaryOperator<String> fn, Runnable beforeWrite) {
        Walk w = new Walk(fn, beforeWrite);
        for (JsonNode choice : body.path("choices")) {
            w.content(choice.path("message"));
            w.toolCalls(choice.path("message"));
            w.field(choice, "text");
        }
        if (body.path("content").isArray()) {
            w.content(body);
            for (JsonNode block : body.get("content")) {
                w.strings(block.get("input")); // tool_use
            }
        }
        for (JsonNode item : body.path("output")) {
            w.outputItem(item);
        }
    }

    /** The texts of one Responses output item, as {@link #answer} walks them. */
    static void outputItem(JsonNode item, UnaryOperator<String> fn) {
        new Walk(fn, () -> {}).outputItem(item);
    }

    /**
     * The text a stream chunk adds, for the window {@code index}: a choice's text (chat {@code delta.content},
     * legacy {@code text}, Anthropic {@code text_delta}, Responses {@code response.output_text.delta})
     * has the choice's index; the arguments of a tool call as they stream (chat
     * {@code delta.tool_calls[].function.arguments}, Anthropic {@code input_json_delta}, Responses
     * {@code response.function_call_arguments.delta}) have {@link #toolWindow}. Calls {@code sink}
     * once per non-empty piece.
     */
    static void delta(JsonNode chunk, DeltaSink sink) {
        JsonNode choices = chunk.get("choices");
        if (choices != null) {
            for (JsonNode choice : choices) {
                int index = choice.path("index").asInt(0);
                JsonNode delta = choice.path("delta");
                text(delta.get("content"), index, sink);
                text(choice.get("text"), index, sink);
                for (JsonNode call : delta.path("tool_calls")) {
                    text(call.path("function").get("arguments"), toolWindow(index, call.path("index").asInt(0)), sink);
                }
            }
            return;
        }
        JsonNode delta = chunk.get("delta");
        if (delta == null) {
            return;
        }
        switch (chunk.path("type").asText("")) {
            case "response.output_text.delta" -> text(delta, chunk.path("output_index").asInt(0), sink);
            case "response.function_call_arguments.delta" -> text(delta, toolWindow(0, chunk.path("output_index").asInt(0)), sink);
            case "content_block_delta" -> {
                switch (delta.path("type").asText("")) {
                    case "text_delta" -> text(delta.get("text"), 0, sink);
                    case "input_json_delta" -> text(delta.get("partial_json"), toolWindow(0, chunk.path("index").asInt(0)), sink);
                    default -> { }
                }
            }
            default -> { }
        }
    }

    /**
     * The window of one streamed tool call: apart from the choices' text windows (indexes below
     * 65,536), so a match is only found within one call's arguments.
     */
    static int toolWindow(int choice, int call) {
        return (choice + 1) << 16 | (call & 0xFFFF);
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

        /** A Responses output item: a message's {@code content[].text}, a function call's {@code arguments}. */
        void outputItem(JsonNode item) {
            content(item);
            field(item, "arguments");
        }

        /** {@code holder.tool_calls[].function.arguments}: the JSON text a model wrote for a function. */
        void toolCalls(JsonNode holder) {
            for (JsonNode call : holder.path("tool_calls")) {
                field(call.path("function"), "arguments");
            }
        }

        /** Every string value under {@code node} (a tool_use block's {@code input} object), at any depth. */
        void strings(@Nullable JsonNode node) {
            if (node instanceof ObjectNode o) {
                for (Map.Entry<String, JsonNode> e : o.properties()) {
                    if (e.getValue().isTextual()) {
                        field(o, e.getKey());
                    } else {
                        strings(e.getValue());
                    }
                }
            } else if (node instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i).isTextual()) {
                        replace(a, i);
                    } else {
                        strings(a.get(i));
                    }
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
                        replace(a, i);
                    }
                }
            }
        }

        private void replace(ArrayNode a, int i) {
            String text = a.get(i).asText();
            String out = fn.apply(text);
            if (out != text) {
                written();
                a.set(i, out);
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
