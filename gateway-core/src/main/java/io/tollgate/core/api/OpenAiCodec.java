package io.tollgate.core.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * OpenAI's wire format: the canonical one, so answers pass through as they are. Requests are
 * checked just enough to give a clear 400 naming the field; everything else is the upstream's to
 * judge (so new OpenAI parameters pass through without a gateway release).
 */
public final class OpenAiCodec implements ClientCodec {

    public static final OpenAiCodec INSTANCE = new OpenAiCodec();

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final ResponseEncoder ENCODER = new ResponseEncoder() {
        @Override
        public byte[] unary(GatewayResponse response) {
            return response.body();
        }

        @Override
        public byte[] chunk(StreamChunk chunk) {
            // Responses API streams name their events (event: response.output_text.delta); keep them
            if (chunk.isUsageOnly()) {
                return EMPTY;   // asked upstream by the gateway, not by the client: metered, never written
            }
            return chunk.event() == null ? sseFrame(chunk.data()) : namedFrame(chunk.event(), chunk.data());
        }

        @Override
        public byte[] end() {
            return DONE;
        }

        @Override
        public byte[] error(GatewayError error) {
            return Json.bytes(envelope(error));
        }

        @Override
        public byte[] streamError(GatewayError error) {
            return sseFrame(Json.bytes(envelope(error)));
        }
    };

    private OpenAiCodec() {}

    @Override
    public GatewayRequest decode(ApiKind api, byte[] body) {
        if (body.length == 0) {
            throw invalid("The request body is empty (expected: a JSON object).", null);
        }
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (JsonProcessingException e) {
            throw invalid("The request body is not valid JSON: " + Json.problem(e) + ".", null);
        } catch (IOException e) {
            throw invalid("The request body could not be read as JSON.", null);
        }
        if (!(node instanceof ObjectNode json)) {
            throw invalid("The request body must be a JSON object, not " + node.getNodeType().name().toLowerCase() + ".", null);
        }
        requireText(json, "model");
        requireBoolean(json, "stream");
        requireText(json, "user");   // the ledger's user: a wrong type would be dropped from attribution without a word
        JsonNode metadata = json.get("metadata");
        if (metadata != null && !metadata.isObject() && !metadata.isNull()) {
            throw invalid("'metadata' must be an object of strings, not " + metadata.getNodeType().name().toLowerCase() + ".", "metadata");
        }
        switch (api) {
            case CHAT_COMPLETIONS -> {
                JsonNode messages = json.get("messages");
                if (messages == null || !messages.isArray() || messages.isEmpty()) {
                    throw invalid("'messages' must be a non-empty array of messages.", "messages");
                }
                for (int i = 0; i < messages.size(); i++) {
                    JsonNode m = messages.get(i);
                    if (!m.isObject() || !m.path("role").isTextual()) {
                        throw invalid("'messages[" + i + "]' must be an object with a string 'role'.", "messages[" + i + "]");
                    }
                    JsonNode content = m.get("content");   // what token estimates, guardrails and the cache key read
                    if (content != null && !content.isTextual() && !content.isArray() && !content.isNull()) {
                        throw invalid("'messages[" + i + "].content' must be a string or an array of content parts, not "
                                + content.getNodeType().name().toLowerCase() + ".", "messages[" + i + "].content");
                    }
                }
                JsonNode streamOptions = json.get("stream_options");
                if (streamOptions != null && !streamOptions.isObject() && !streamOptions.isNull()) {
                    throw invalid("'stream_options' must be an object.", "stream_options");
                }
            }
            case EMBEDDINGS -> {
                JsonNode input = json.get("input");
                if (input == null || !(input.isTextual() || input.isArray())) {
                    throw invalid("'input' must be a string or an array.", "input");
                }
                if (json.path("stream").asBoolean(false)) {
                    throw invalid("Embeddings cannot be streamed: remove 'stream'.", "stream");
                }
            }
            case COMPLETIONS -> {
                JsonNode prompt = json.get("prompt");
                if (prompt == null || !(prompt.isTextual() || prompt.isArray())) {
                    throw invalid("'prompt' must be a string or an array.", "prompt");
                }
            }
            case RESPONSES -> {
                JsonNode input = json.get("input");
                if (input != null && !(input.isTextual() || input.isArray())) {
                    throw invalid("'input' must be a string or an array.", "input");
                }
            }
            case MESSAGES -> throw new IllegalArgumentException("api: MESSAGES (expected: an OpenAI API; /v1/messages has its own codec)");
        }
        return GatewayRequest.parsed(api, json, body);
    }

    @Override
    public ResponseEncoder encoder(GatewayRequest request) {
        return ENCODER;
    }

    /** OpenAI's error envelope {@code {"error":{"message","type","code","param"}}}. */
    public static ObjectNode envelope(GatewayError error) {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("message", error.message());
        e.put("type", error.type());
        e.put("code", error.code());
        if (error.param() != null) {
            e.put("param", error.param());
        } else {
            e.putNull("param");
        }
        return root;
    }

    static byte[] namedFrame(String event, byte[] data) {
        byte[] name = ("event: " + event + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] frame = sseFrame(data);
        byte[] out = new byte[name.length + frame.length];
        System.arraycopy(name, 0, out, 0, name.length);
        System.arraycopy(frame, 0, out, name.length, frame.length);
        return out;
    }

    static byte[] sseFrame(byte[] data) {
        byte[] frame = new byte[DATA.length + data.length + EVENT_END.length];
        System.arraycopy(DATA, 0, frame, 0, DATA.length);
        System.arraycopy(data, 0, frame, DATA.length, data.length);
        System.arraycopy(EVENT_END, 0, frame, DATA.length + data.length, EVENT_END.length);
        return frame;
    }

    private static void requireText(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v != null && !v.isTextual()) {
            throw invalid("'" + field + "' must be a string, not " + v.getNodeType().name().toLowerCase() + ".", field);
        }
    }

    private static void requireBoolean(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        if (v != null && !v.isBoolean() && !v.isNull()) {
            throw invalid("'" + field + "' must be a boolean, not " + v.getNodeType().name().toLowerCase() + ".", field);
        }
    }

    private static GatewayException invalid(String message, String param) {
        return new GatewayException(GatewayError.invalidRequest(message, param));
    }
}
