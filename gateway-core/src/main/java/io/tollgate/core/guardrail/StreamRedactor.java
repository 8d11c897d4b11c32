package io.tollgate.core.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Output {@code redact} guardrails on one stream: each chunk's text is rewritten as it passes, and only
 * the tail that could still grow into a match (a word that may become an e-mail address, digits that may
 * become a card number) is held back until the text after it settles the question. So the client reads
 * {@code [REDACTED:email]} where the address was, and everything else about as soon as it was written.
 *
 * <p>Text is kept per window: a choice's text or one tool call's arguments (chat and legacy completions),
 * a content block (Anthropic), an output text or a function call's arguments (Responses). Held text goes
 * out with the window's next text, or when the window ends: in the finish chunk of its choice, or in a
 * delta event of its own just before Anthropic's {@code content_block_stop} or the Responses
 * {@code *.done} event (whose later {@code sequence_number}s then move up by one), or at the end of the
 * stream. The Responses events that repeat the whole text ({@code *.done}, {@code response.completed})
 * are redacted whole, as a unary answer is.
 *
 * <p>Matching follows the unary rules: each guardrail in config order, each detector over the text the
 * ones before it left. A single match longer than {@link #HOLD_LIMIT} characters (say, a custom pattern
 * with {@code .*}) may not be caught whole: past that, held text is let go as if the window had ended.
 */
final class StreamRedactor {

    /** Held text of one window past this is released as if the window ended. */
    static final int HOLD_LIMIT = 4096;
    /** Released characters kept before the held ones, for the detectors' look-behinds. */
    private static final int CONTEXT = 16;

    private final Guardrail[] guardrails;
    private final boolean[] redacted;
    private final Map<Integer, Window> windows = new LinkedHashMap<>(4);
    /** Responses: events this stream added, by which every later {@code sequence_number} moves up. */
    private int inserted;
    /** The last chat or completions chunk (a copy): its top-level fields frame a chunk that carries held text at the end. */
    private @Nullable ObjectNode lastChoices;

    /** {@code guardrails}: the output stage's redact guardrails, in config order. */
    StreamRedactor(Guardrail[] guardrails) {
        this.guardrails = guardrails;
        this.redacted = new boolean[guardrails.length];
    }

    /** Whether the guardrail at {@code index} (of the constructor's array) rewrote anything. */
    boolean redacted(int index) {
        return redacted[index];
    }

    /** Sends {@code chunk} on as the client should read it, preceded by any chunk that carries held text. */
    void onChunk(StreamChunk chunk, Consumer<StreamChunk> out) {
        JsonNode json = chunk.json();
        if (json.has("choices")) {
            choices(chunk, json, out);
            return;
        }
        String type = json.path("type").asText("");
        switch (type) {
            case "content_block_delta" -> {
                JsonNode delta = json.path("delta");
                String field = switch (delta.path("type").asText("")) {
                    case "text_delta" -> "text";
                    case "input_json_delta" -> "partial_json";
                    default -> null;
                };
                int index = json.path("index").asInt(0);
                edit(chunk, json, out, copy -> field != null
                        && pass((ObjectNode) copy.get("delta"), field, index, new Carrier(Format.ANTHROPIC, index, 0, delta.path("type").asText(), null), false));
            }
            case "content_block_stop" -> {
                send(windows.remove(json.path("index").asInt(0)), out, -1);
                out.accept(chunk);
            }
            case "response.output_text.delta", "response.function_call_arguments.delta" -> {
                int key = responsesKey(json, type);
                Carrier carrier = new Carrier(Format.RESPONSES, json.path("output_index").asInt(0), json.path("content_index").asInt(0), type,
                        json.path("item_id").asText(null));
                edit(chunk, json, out, copy -> pass(copy, "delta", key, carrier, false));
            }
            case "response.output_text.done", "response.function_call_arguments.done" -> {
                send(windows.remove(responsesKey(json, type)), out, json.path("sequence_number").asInt(0));
                String whole = type.endsWith("output_text.done") ? "text" : "arguments";
                edit(chunk, json, out, copy -> redactWhole(copy, whole));
            }
            case "response.content_part.done" -> edit(chunk, json, out, copy -> copy.get("part") instanceof ObjectNode part && redactWhole(part, "text"));
            case "response.output_item.done" -> edit(chunk, json, out, copy -> walk(copy.get("item"), GuardrailTexts::outputItem));
            case "response.completed", "response.incomplete", "response.failed" ->
                    edit(chunk, json, out, copy -> walk(copy.get("response"), (response, fn) -> GuardrailTexts.answer(response, fn, () -> {})));
            default -> {
                if (inserted == 0) {
                    out.accept(chunk); // nothing to rewrite, no sequence number to move
                } else {
                    edit(chunk, json, out, copy -> false);
                }
            }
        }
    }

    /** The end of a stream that ended normally: whatever is still held goes out. */
    void onEnd(Consumer<StreamChunk> out) {
        for (Window w : windows.values()) {
            send(w, out, -1);
        }
        windows.clear();
    }

    // ---- chat and legacy completions ----

    private void choices(StreamChunk chunk, JsonNode json, Consumer<StreamChunk> out) {
        ObjectNode copy = json.deepCopy();
        lastChoices = copy;
        boolean changed = false;
        for (JsonNode node : copy.path("choices")) {
            if (!(node instanceof ObjectNode choice)) {
                continue;
            }
            int i = choice.path("index").asInt(0);
            boolean ends = choice.hasNonNull("finish_reason");
            if (choice.get("delta") instanceof ObjectNode delta) {
                changed |= pass(delta, "content", i, new Carrier(Format.CHAT, i, 0, "content", null), ends);
                for (JsonNode call : delta.path("tool_calls")) {
                    int k = call.path("index").asInt(0);
                    if (call.get("function") instanceof ObjectNode fn) {
                        changed |= pass(fn, "arguments", GuardrailTexts.toolWindow(i, k), new Carrier(Format.CHAT, i, k, "arguments", null), ends);
                    }
                }
            } else if (choice.has("text")) {
                changed |= pass(choice, "text", i, new Carrier(Format.COMPLETIONS, i, 0, "text", null), ends);
            }
            if (ends) {
                changed |= flushInto(choice, i);
            }
        }
        out.accept(changed ? chunk.withData(Json.bytes(copy)) : chunk);
    }

    /** Moves the held text of choice {@code i}'s windows that this finish chunk did not mention into it. */
    private boolean flushInto(ObjectNode choice, int i) {
        boolean changed = false;
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (w.carrier.a() != i) {
                continue;
            }
            it.remove();
            String text = w.release("", true);
            if (text.isEmpty()) {
                continue;
            }
            changed = true;
            Carrier c = w.carrier;
            if (c.format() == Format.COMPLETIONS) {
                choice.put("text", text);
            } else {
                ObjectNode delta = choice.get("delta") instanceof ObjectNode d ? d : choice.putObject("delta");
                if (c.type().equals("content")) {
                    delta.put("content", text);
                } else {
                    ArrayNode calls = delta.get("tool_calls") instanceof ArrayNode a ? a : delta.putArray("tool_calls");
                    calls.addObject().put("index", c.b()).putObject("function").put("arguments", text);
                }
            }
        }
        return changed;
    }

    /** The top-level scalar fields of {@code chunk} (id, object, created, model, ...). */
    private static ObjectNode envelopeOf(@Nullable ObjectNode chunk) {
        ObjectNode e = Json.object();
        if (chunk == null) {
            return e;
        }
        for (Map.Entry<String, JsonNode> field : chunk.properties()) {
            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                e.set(field.getKey(), field.getValue());
            }
        }
        return e;
    }

    // ---- shared ----

    /**
     * Runs {@code change} on a copy of the chunk (the parsed tree may be a cached stream's: never edited in
     * place); sends the copy when it changed or later sequence numbers must move, else the chunk itself.
     */
    private void edit(StreamChunk chunk, JsonNode json, Consumer<StreamChunk> out, Change change) {
        if (!(json instanceof ObjectNode original)) {
            out.accept(chunk);
            return;
        }
        ObjectNode copy = original.deepCopy();
        boolean changed = change.apply(copy);
        if (inserted > 0 && copy.get("sequence_number") != null && copy.get("sequence_number").canConvertToInt()) {
            copy.put("sequence_number", copy.get("sequence_number").asInt() + inserted);
            changed = true;
        }
        out.accept(changed ? chunk.withData(Json.bytes(copy)) : chunk);
    }

    @FunctionalInterface
    private interface Change {
        boolean apply(ObjectNode copy);
    }

    /** Replaces {@code holder.field}'s text with what its window lets go now; true when that differs. */
    private boolean pass(ObjectNode holder, String field, int key, Carrier carrier, boolean ends) {
        JsonNode value = holder.get(field);
        if (value == null || !value.isTextual()) {
            return false;
        }
        Window w = windows.computeIfAbsent(key, k -> new Window(carrier));
        String text = value.asText();
        String released = w.release(text, ends);
        if (ends) {
            windows.remove(key);
        }
        if (released.equals(text)) {
            return false;
        }
        holder.put(field, released);
        return true;
    }

    /** Sends what {@code w} still holds in a chunk of its own ({@code sequence} of the event it goes before, or -1). */
    private void send(@Nullable Window w, Consumer<StreamChunk> out, int sequence) {
        if (w == null) {
            return;
        }
        String text = w.release("", true);
        if (text.isEmpty()) {
            return;
        }
        Carrier c = w.carrier;
        switch (c.format()) {
            case ANTHROPIC -> {
                ObjectNode event = Json.object().put("type", "content_block_delta").put("index", c.a());
                event.putObject("delta").put("type", c.type()).put(c.type().equals("text_delta") ? "text" : "partial_json", text);
                out.accept(StreamChunk.event("content_block_delta", Json.bytes(event)));
            }
            case RESPONSES -> {
                ObjectNode event = Json.object().put("type", c.type());
                if (c.itemId() != null) {
                    event.put("item_id", c.itemId());
                }
                event.put("output_index", c.a());
                if (c.type().equals("response.output_text.delta")) {
                    event.put("content_index", c.b());
                }
                event.put("delta", text);
                if (sequence >= 0) {
                    event.put("sequence_number", sequence + inserted);
                    inserted++;
                }
                out.accept(StreamChunk.event(c.type(), Json.bytes(event)));
            }
            case CHAT, COMPLETIONS -> {
                ObjectNode chunk = envelopeOf(lastChoices);
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", c.a());
                if (c.format() == Format.COMPLETIONS) {
                    choice.put("text", text);
                } else if (c.type().equals("content")) {
                    choice.putObject("delta").put("content", text);
                } else {
                    choice.putObject("delta").putArray("tool_calls").addObject().put("index", c.b()).putObject("function").put("arguments", text);
                }
                choice.putNull("finish_reason");
                out.accept(StreamChunk.of(Json.bytes(chunk)));
            }
        }
    }

    private static int responsesKey(JsonNode event, String type) {
        int output = event.path("output_index").asInt(0) << 8;
        return type.contains("function_call_arguments") ? output | 0xFF : output | (event.path("content_index").asInt(0) & 0x7F);
    }

    /** Redacts a text that repeats a whole window ({@code holder.field}) with every guardrail. */
    private boolean redactWhole(ObjectNode holder, String field) {
        JsonNode value = holder.get(field);
        if (value == null || !value.isTextual()) {
            return false;
        }
        String text = value.asText();
        String out = redactAll(text);
        if (out.equals(text)) {
            return false;
        }
        holder.put(field, out);
        return true;
    }

    private boolean walk(@Nullable JsonNode node, BiConsumer<JsonNode, UnaryOperator<String>> walker) {
        if (node == null) {
            return false;
        }
        boolean[] changed = {false};
        walker.accept(node, text -> {
            String out = redactAll(text);
            changed[0] |= out != text;
            return out;
        });
        return changed[0];
    }

    private String redactAll(String text) {
        return redact(text, 0, text.length());
    }

    /**
     * {@code text} with every guardrail's matches inside {@code [from, to)} replaced, in config order, each over
     * what the ones before it left (the unary rules); the text around the region stays as it is.
     */
    private String redact(String text, int from, int to) {
        int after = text.length() - to;
        String out = text;
        for (int g = 0; g < guardrails.length; g++) {
            String next = guardrails[g].redact(out, from, out.length() - after);
            if (next != out) {
                redacted[g] = true;
                out = next;
            }
        }
        return out;
    }

    private enum Format { CHAT, COMPLETIONS, ANTHROPIC, RESPONSES }

    /**
     * How to send a window's text in a chunk of its own. {@code a}: the choice, content block or output
     * index; {@code b}: the tool call or content part index; {@code type}: the field or event type.
     */
    private record Carrier(Format format, int a, int b, String type, @Nullable String itemId) {}

    /** One window: a few released characters (for look-behinds), then the held text. */
    private final class Window {
        private final Carrier carrier;
        private final StringBuilder text = new StringBuilder();
        /** Where in {@link #text} the held text starts. */
        private int held;

        Window(Carrier carrier) {
            this.carrier = carrier;
        }

        /** Appends {@code piece} and returns the text that can go now, redacted; all of it when the window {@code ends}. */
        String release(String piece, boolean ends) {
            text.append(piece);
            int cut = ends || text.length() - held > HOLD_LIMIT ? text.length() : cut();
            if (cut == held) {
                return "";
            }
            int after = text.length() - cut;
            String out = redact(text.toString(), held, cut);
            String released = out.substring(held, out.length() - after);
            held = cut;
            if (held > CONTEXT) {
                text.delete(0, held - CONTEXT);
                held = CONTEXT;
            }
            return released;
        }

        /** How far the text can go: up to where a match might still start, and never through the middle of one. */
        private int cut() {
            int cut = text.length();
            for (Guardrail g : guardrails) {
                cut = Math.min(cut, g.openFrom(text, held));
            }
            for (boolean moved = true; moved; ) {
                moved = false;
                for (Guardrail g : guardrails) {
                    int c = g.cutBefore(text, held, cut);
                    if (c < cut) {
                        cut = c;
                        moved = true;
                    }
                }
            }
            return cut;
        }
    }
}
