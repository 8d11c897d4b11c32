package io.tollgate.providers.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The mock provider's answers, in OpenAI's exact shapes: a pure function of the request body (plus
 * the {@code created} timestamp), so the same request always gets the same content, ids and token
 * counts. Tokens are counted as whitespace-separated words.
 */
final class MockResponses {

    static final String ANSWER_PREFIX = "Mock answer to: ";
    static final int DEFAULT_DIMENSIONS = 16;
    private static final int MAX_DIMENSIONS = 4096;

    private MockResponses() {}

    /** {@code "Mock answer to: <first 40 chars of the last user message>"}. */
    static String chatAnswer(JsonNode body) {
        String last = "";
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                last = text(m.path("content"));
            }
        }
        return ANSWER_PREFIX + clip(last);
    }

    static String completionAnswer(JsonNode body) {
        JsonNode prompt = body.path("prompt");
        return ANSWER_PREFIX + clip(prompt.isArray() ? text(prompt.path(0)) : text(prompt));
    }

    /** All message text of a chat request, for counting prompt tokens. */
    static String chatPrompt(JsonNode body) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : body.path("messages")) {
            sb.append(text(m.path("content"))).append(' ');
        }
        return sb.toString();
    }

    static ObjectNode chatCompletion(JsonNode body, String model, long created) {
        String answer = chatAnswer(body);
        ObjectNode root = head("chatcmpl-mock-", body, "chat.completion", model, created);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", answer);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        root.set("usage", usage(words(chatPrompt(body)), words(answer)));
        root.put("system_fingerprint", "fp_mock");
        return root;
    }

    static ObjectNode completion(JsonNode body, String model, long created) {
        String answer = completionAnswer(body);
        ObjectNode root = head("cmpl-mock-", body, "text_completion", model, created);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("text", answer);
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        root.set("usage", usage(words(text(body.path("prompt"))), words(answer)));
        return root;
    }

    /**
     * The SSE frames of a streamed answer, {@code [DONE]} last: a role chunk, one chunk per
     * word, a finish chunk and, when {@code stream_options.include_usage} is set, the usage chunk
     * ({@code choices: []}). Content chunks leave {@code usage} out: OpenAI's published
     * schema types it as an object, and strict clients validate against the schema.
     */
    static List<byte[]> stream(JsonNode body, String model, long created, boolean chat) {
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        String answer = chat ? chatAnswer(body) : completionAnswer(body);
        String id = (chat ? "chatcmpl-mock-" : "cmpl-mock-") + hash(body).substring(0, 24);
        String object = chat ? "chat.completion.chunk" : "text_completion";
        List<byte[]> out = new ArrayList<>();
        if (chat) {
            ObjectNode first = chunk(id, object, model, created);
            ObjectNode delta = first.withArray("choices").addObject().put("index", 0).putObject("delta");
            delta.put("role", "assistant").put("content", "");
            ((ObjectNode) first.withArray("choices").get(0)).putNull("finish_reason");
            out.add(sse(null, Json.bytes(first)));
        }
        String[] parts = answer.split("(?<= )");
        for (String part : parts) {
            ObjectNode c = chunk(id, object, model, created);
            ObjectNode choice = c.withArray("choices").addObject().put("index", 0);
            if (chat) {
                choice.putObject("delta").put("content", part);
            } else {
                choice.put("text", part);
                choice.putNull("logprobs");
            }
            choice.putNull("finish_reason");
            out.add(sse(null, Json.bytes(c)));
        }
        ObjectNode last = chunk(id, object, model, created);
        ObjectNode finish = last.withArray("choices").addObject().put("index", 0);
        if (chat) {
            finish.putObject("delta");
        } else {
            finish.put("text", "");
            finish.putNull("logprobs");
        }
        finish.put("finish_reason", "stop");
        out.add(sse(null, Json.bytes(last)));
        if (includeUsage) {
            ObjectNode u = chunk(id, object, model, created);
            u.putArray("choices");
            u.set("usage", usage(words(chat ? chatPrompt(body) : text(body.path("prompt"))), words(answer)));
            out.add(sse(null, Json.bytes(u)));
        }
        out.add(sse(null, "[DONE]".getBytes(StandardCharsets.US_ASCII)));
        return out;
    }

    /** A Responses API {@code response} object, completed, with the same answer and token counts as chat. */
    static ObjectNode response(JsonNode body, String model, long created) {
        String answer = ANSWER_PREFIX + clip(responsesInput(body));
        ObjectNode r = responseHead(body, model, created, "completed");
        ObjectNode message = r.withArray("output").addObject();
        message.put("id", "msg_mock_" + hash(body).substring(0, 24)).put("type", "message").put("status", "completed").put("role", "assistant");
        message.putArray("content").addObject().put("type", "output_text").put("text", answer).putArray("annotations");
        long in = words(responsesPrompt(body));
        long out = words(answer);
        ObjectNode u = r.putObject("usage");
        u.put("input_tokens", in);
        u.putObject("input_tokens_details").put("cached_tokens", 0);
        u.put("output_tokens", out);
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        u.put("total_tokens", in + out);
        return r;
    }

    /**
     * A Responses stream as OpenAI sends it ({@code event:} + {@code data:} frames, no {@code [DONE]}):
     * response.created, one response.output_text.delta per word, response.completed with usage.
     */
    static List<byte[]> responsesStream(JsonNode body, String model, long created) {
        ObjectNode done = response(body, model, created);
        String itemId = done.path("output").path(0).path("id").asText();
        List<byte[]> out = new ArrayList<>();
        int seq = 0;
        ObjectNode createdEvent = Json.object().put("type", "response.created").put("sequence_number", seq++);
        createdEvent.set("response", responseHead(body, model, created, "in_progress"));
        out.add(sse("response.created", Json.bytes(createdEvent)));
        String answer = done.path("output").path(0).path("content").path(0).path("text").asText();
        for (String part : answer.split("(?<= )")) {
            ObjectNode delta = Json.object().put("type", "response.output_text.delta").put("sequence_number", seq++)
                    .put("item_id", itemId).put("output_index", 0).put("content_index", 0).put("delta", part);
            out.add(sse("response.output_text.delta", Json.bytes(delta)));
        }
        ObjectNode completed = Json.object().put("type", "response.completed").put("sequence_number", seq);
        completed.set("response", done);
        out.add(sse("response.completed", Json.bytes(completed)));
        return out;
    }

    private static ObjectNode responseHead(JsonNode body, String model, long created, String status) {
        ObjectNode r = Json.object();
        r.put("id", "resp_mock_" + hash(body).substring(0, 24));
        r.put("object", "response");
        r.put("created_at", created);
        r.put("status", status);
        r.put("model", model);
        r.putArray("output");
        if (!status.equals("completed")) r.putNull("usage");
        return r;
    }

    /** The last user text of a Responses {@code input} (a string, or a list of messages). */
    private static String responsesInput(JsonNode body) {
        JsonNode input = body.path("input");
        if (input.isTextual()) return input.asText();
        String last = "";
        for (JsonNode item : input) {
            if (item.path("role").asText("user").equals("user")) last = text(item.path("content"));
        }
        return last;
    }

    private static String responsesPrompt(JsonNode body) {
        JsonNode input = body.path("input");
        if (input.isTextual()) return input.asText() + " " + body.path("instructions").asText("");
        StringBuilder sb = new StringBuilder(body.path("instructions").asText(""));
        for (JsonNode item : input) sb.append(' ').append(text(item.path("content")));
        return sb.toString();
    }

    /** One SSE frame: optional {@code event:} line, the data line, the blank line. */
    static byte[] sse(@org.jspecify.annotations.Nullable String event, byte[] data) {
        byte[] head = ((event == null ? "" : "event: " + event + "\n") + "data: ").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    static ObjectNode embeddings(JsonNode body, String model) {
        JsonNode input = body.path("input");
        List<String> inputs = new ArrayList<>();
        if (input.isArray()) {
            for (JsonNode i : input) inputs.add(i.isTextual() ? i.asText() : i.toString());
        } else {
            inputs.add(input.asText());
        }
        int dims = body.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        dims = Math.max(1, Math.min(MAX_DIMENSIONS, dims));
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vec = e.putArray("embedding");
            for (float f : vector(inputs.get(i), dims)) vec.add(f);
            tokens += words(inputs.get(i));
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return root;
    }

    /** A unit vector derived from SHA-256 of the text (counter mode for more than 8 dimensions). */
    static float[] vector(String text, int dims) {
        float[] v = new float[dims];
        byte[] seed = text.getBytes(StandardCharsets.UTF_8);
        double norm = 0;
        for (int block = 0; block * 8 < dims; block++) {
            byte[] h = sha256(seed, block);
            for (int k = 0; k < 8 && block * 8 + k < dims; k++) {
                int bits = ((h[4 * k] & 0xff) << 24) | ((h[4 * k + 1] & 0xff) << 16) | ((h[4 * k + 2] & 0xff) << 8) | (h[4 * k + 3] & 0xff);
                float f = bits / (float) Integer.MAX_VALUE;   // [-1, 1]
                v[block * 8 + k] = f;
                norm += (double) f * f;
            }
        }
        double n = Math.sqrt(norm);
        if (n > 0) {
            for (int i = 0; i < dims; i++) v[i] = (float) (v[i] / n);
        }
        return v;
    }

    static ObjectNode models() {
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : List.of("mock-chat", "mock-embedding", "mock-error-429", "mock-error-500")) {
            data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", "tollgate-mock");
        }
        return root;
    }

    /** OpenAI's error envelope with OpenAI's codes for the status. */
    static ObjectNode error(int status, String message) {
        ObjectNode root = Json.object();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        String type;
        String code;
        switch (status) {
            case 400 -> { type = "invalid_request_error"; code = null; }
            case 401 -> { type = "invalid_request_error"; code = "invalid_api_key"; }
            case 403 -> { type = "invalid_request_error"; code = "unsupported_country_region_territory"; }
            case 404 -> { type = "invalid_request_error"; code = "model_not_found"; }
            case 429 -> { type = "requests"; code = "rate_limit_exceeded"; }
            default -> { type = status >= 500 ? "server_error" : "invalid_request_error"; code = null; }
        }
        e.put("type", type);
        e.putNull("param");
        if (code == null) e.putNull("code"); else e.put("code", code);
        return root;
    }

    static ObjectNode contextLengthError() {
        ObjectNode root = Json.object();
        root.putObject("error")
                .put("message", "This model's maximum context length is 8 tokens (mock). Please reduce the length of the messages.")
                .put("type", "invalid_request_error")
                .put("param", "messages")
                .put("code", "context_length_exceeded");
        return root;
    }

    static long words(String s) {
        long n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean space = Character.isWhitespace(s.charAt(i));
            if (!space && !in) n++;
            in = !space;
        }
        return n;
    }

    private static ObjectNode usage(long prompt, long completion) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return u;
    }

    private static ObjectNode head(String idPrefix, JsonNode body, String object, String model, long created) {
        ObjectNode root = Json.object();
        root.put("id", idPrefix + hash(body).substring(0, 24));
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private static ObjectNode chunk(String id, String object, String model, long created) {
        ObjectNode c = Json.object().put("id", id).put("object", object).put("created", created).put("model", model);
        c.putArray("choices");
        return c;
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {   // content parts: keep the text ones
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.path("text").isTextual()) sb.append(sb.isEmpty() ? "" : " ").append(part.path("text").asText());
                else if (part.isTextual()) sb.append(sb.isEmpty() ? "" : " ").append(part.asText());
            }
            return sb.toString();
        }
        return "";
    }

    private static String clip(String s) {
        return s.codePointCount(0, s.length()) <= 40 ? s : s.substring(0, s.offsetByCodePoints(0, 40));
    }

    private static String hash(JsonNode body) {
        return HexFormat.of().formatHex(sha256(Json.bytes(body), 0));
    }

    private static byte[] sha256(byte[] data, int counter) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data);
            md.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
