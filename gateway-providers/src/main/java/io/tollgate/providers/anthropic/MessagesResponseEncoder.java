package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.api.ResponseEncoder;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes answers to a {@code /v1/messages} client in Anthropic's format. Answers that are already
 * Anthropic's (the native path: unary bodies of {@code "type":"message"}, chunks with an SSE event
 * name) pass untouched; canonical OpenAI answers and chunks are translated. Stateful per stream.
 */
final class MessagesResponseEncoder implements ResponseEncoder {

    private static final byte[] NOTHING = new byte[0];

    private final String requestedModel;
    private boolean started;
    private boolean sawNative;
    /** Anthropic block index of the open block, or -1. */
    private int openBlock = -1;
    private boolean openIsText;
    private int nextBlock;
    /** OpenAI tool_calls index -> Anthropic block index of the block currently streaming it. */
    private int openToolIndex = -1;
    private String stopReason = "end_turn";
    private TokenUsage usage;
    private boolean stopped;

    MessagesResponseEncoder(String requestedModel) {
        this.requestedModel = requestedModel;
    }

    @Override
    public byte[] unary(GatewayResponse response) {
        JsonNode json = response.json();
        if ("message".equals(json.path("type").asText())) {
            return response.body();   // native
        }
        ObjectNode msg = Json.object();
        msg.put("id", anthropicId(json.path("id").asText("")));
        msg.put("type", "message");
        msg.put("role", "assistant");
        msg.put("model", json.path("model").asText(requestedModel));
        var content = msg.putArray("content");
        JsonNode choice = json.path("choices").path(0);
        JsonNode message = choice.path("message");
        String text = message.path("content").asText("");
        if (!text.isEmpty()) content.addObject().put("type", "text").put("text", text);
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = content.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText());
            use.put("name", call.path("function").path("name").asText());
            use.set("input", parseObject(call.path("function").path("arguments").asText("")));
        }
        msg.put("stop_reason", stopReason(choice.path("finish_reason").asText("stop")));
        msg.putNull("stop_sequence");
        TokenUsage u = response.usage() != null ? response.usage() : openAiUsage(json.path("usage"));
        msg.set("usage", anthropicUsage(u));
        return Json.bytes(msg);
    }

    /**
     * Hand every chunk here, usage-only ones included: those write nothing, but their usage is what
     * the final {@code message_delta} reports to the client.
     */
    @Override
    public byte[] chunk(StreamChunk chunk) {
        if (chunk.event() != null && isAnthropicEvent(chunk.event())) {
            sawNative = true;
            return frame(chunk.event(), chunk.data());
        }
        if (chunk.event() != null) {
            return NOTHING;   // another API's named event (Responses) cannot be shown to a Messages client
        }
        JsonNode json = chunk.json();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        if (!started) {
            started = true;
            ObjectNode start = Json.object().put("type", "message_start");
            ObjectNode message = start.putObject("message");
            message.put("id", anthropicId(json.path("id").asText("")));
            message.put("type", "message");
            message.put("role", "assistant");
            message.put("model", json.path("model").asText(requestedModel));
            message.putArray("content");
            message.putNull("stop_reason");
            message.putNull("stop_sequence");
            message.set("usage", anthropicUsage(TokenUsage.ZERO));
            write(out, "message_start", start);
        }
        if (chunk.usage() != null) usage = chunk.usage();
        else if (json.path("usage").isObject()) usage = openAiUsage(json.get("usage"));
        JsonNode choice = json.path("choices").path(0);
        if (choice.isMissingNode()) {
            return out.toByteArray();   // the usage chunk (choices: [])
        }
        JsonNode delta = choice.path("delta");
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            if (openBlock < 0 || !openIsText) {
                closeBlock(out);
                openBlock(out, Json.object().put("type", "text").put("text", ""), true);
            }
            ObjectNode d = Json.object().put("type", "content_block_delta").put("index", openBlock);
            d.putObject("delta").put("type", "text_delta").put("text", text);
            write(out, "content_block_delta", d);
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int toolIndex = call.path("index").asInt(0);
            if (call.hasNonNull("id") || openIsText || openBlock < 0 || toolIndex != openToolIndex) {
                closeBlock(out);
                ObjectNode block = Json.object().put("type", "tool_use")
                        .put("id", call.path("id").asText(""))
                        .put("name", call.path("function").path("name").asText(""));
                block.putObject("input");
                openBlock(out, block, false);
                openToolIndex = toolIndex;
            }
            String args = call.path("function").path("arguments").asText("");
            if (!args.isEmpty()) {
                ObjectNode d = Json.object().put("type", "content_block_delta").put("index", openBlock);
                d.putObject("delta").put("type", "input_json_delta").put("partial_json", args);
                write(out, "content_block_delta", d);
            }
        }
        String finish = choice.path("finish_reason").asText(null);
        if (finish != null) {
            closeBlock(out);
            stopReason = stopReason(finish);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] end() {
        if (sawNative || stopped) {
            return NOTHING;   // the native stream carried its own message_stop
        }
        stopped = true;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        closeBlock(out);
        ObjectNode md = Json.object().put("type", "message_delta");
        md.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        md.set("usage", anthropicUsage(usage == null ? TokenUsage.ZERO : usage));
        write(out, "message_delta", md);
        write(out, "message_stop", Json.object().put("type", "message_stop"));
        return out.toByteArray();
    }

    @Override
    public byte[] error(GatewayError error) {
        return Json.bytes(AnthropicCodec.envelope(error));
    }

    @Override
    public byte[] streamError(GatewayError error) {
        return frame("error", Json.bytes(AnthropicCodec.envelope(error)));
    }

    private void openBlock(ByteArrayOutputStream out, ObjectNode block, boolean text) {
        openBlock = nextBlock++;
        openIsText = text;
        ObjectNode start = Json.object().put("type", "content_block_start").put("index", openBlock);
        start.set("content_block", block);
        write(out, "content_block_start", start);
    }

    private void closeBlock(ByteArrayOutputStream out) {
        if (openBlock < 0) return;
        write(out, "content_block_stop", Json.object().put("type", "content_block_stop").put("index", openBlock));
        openBlock = -1;
        openIsText = false;
        openToolIndex = -1;
    }

    private static boolean isAnthropicEvent(String event) {
        return switch (event) {
            case "message_start", "content_block_start", "content_block_delta", "content_block_stop",
                 "message_delta", "message_stop", "ping", "error" -> true;
            default -> false;
        };
    }

    static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    private static ObjectNode anthropicUsage(TokenUsage u) {
        ObjectNode n = Json.object();
        n.put("input_tokens", u.uncachedInputTokens());
        n.put("cache_creation_input_tokens", u.cacheWriteTokens());
        n.put("cache_read_input_tokens", u.cacheReadTokens());
        n.put("output_tokens", u.outputTokens());
        return n;
    }

    private static TokenUsage openAiUsage(JsonNode u) {
        if (!u.isObject()) return TokenUsage.ZERO;
        return new TokenUsage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(0), 0, 0);
    }

    private static String anthropicId(String id) {
        return id.startsWith("msg_") ? id : "msg_" + (id.isEmpty() ? "gateway" : id);
    }

    private static JsonNode parseObject(String args) {
        if (args.isBlank()) return Json.object();
        try {
            JsonNode n = Json.parse(args.getBytes(StandardCharsets.UTF_8));
            return n.isObject() ? n : Json.object();
        } catch (IOException e) {
            return Json.object();   // a model's broken JSON: Anthropic clients expect an object here
        }
    }

    private static void write(ByteArrayOutputStream out, String event, ObjectNode data) {
        out.writeBytes(frame(event, Json.bytes(data)));
    }

    static byte[] frame(String event, byte[] data) {
        byte[] head = ("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, f, 0, head.length);
        System.arraycopy(data, 0, f, head.length, data.length);
        f[f.length - 2] = '\n';
        f[f.length - 1] = '\n';
        return f;
    }
}
