package io.tollgate.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.TokenUsage;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenAI's {@code usage} objects into {@link TokenUsage}. Two shapes exist: Chat Completions,
 * completions and embeddings report {@code prompt_tokens}/{@code completion_tokens}; the Responses
 * API reports {@code input_tokens}/{@code output_tokens}. In both, the cached count is a part of the
 * input count, which is exactly {@link TokenUsage}'s convention, so nothing is added up.
 */
public final class OpenAiUsage {

    private OpenAiUsage() {}

    /** The usage in {@code usage}, or null when it is absent, null or not an object. */
    public static @Nullable TokenUsage parse(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        try (JsonParser p = usage.traverse()) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            return null; // a tree cannot be malformed; the signature says it could
        }
    }

    /**
     * Reads the usage object the parser is on, token by token: no tree is built (a unary answer's usage,
     * with its two detail objects, cost 2 % of CPU at saturation as a tree). The Responses API's shape wins
     * when its {@code input_tokens} or {@code output_tokens} key is present.
     */
    private static @Nullable TokenUsage read(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return null;
        }
        long prompt = 0, completion = 0, promptCached = 0, completionReasoning = 0;
        long input = 0, output = 0, inputCached = 0, outputReasoning = 0;
        boolean responsesShape = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = count(p);
                case "completion_tokens" -> completion = count(p);
                case "prompt_tokens_details" -> promptCached = nestedCount(p, "cached_tokens");
                case "completion_tokens_details" -> completionReasoning = nestedCount(p, "reasoning_tokens");
                case "input_tokens" -> { input = count(p); responsesShape = true; }
                case "output_tokens" -> { output = count(p); responsesShape = true; }
                case "input_tokens_details" -> inputCached = nestedCount(p, "cached_tokens");
                case "output_tokens_details" -> outputReasoning = nestedCount(p, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            return null;
        }
        return responsesShape ? new TokenUsage(input, output, inputCached, 0, outputReasoning)
                : new TokenUsage(prompt, completion, promptCached, 0, completionReasoning);
    }

    /** The count under {@code field} of the object the parser is on; 0 when absent or not an object. */
    private static long nestedCount(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return 0;
        }
        long n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals(field)) {
                n = count(p);
            } else {
                p.skipChildren();
            }
        }
        return n;
    }

    /** A token count: a number that fits a long (a fraction truncated), never negative; anything else is 0. */
    private static long count(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        long n;
        if (t == JsonToken.VALUE_NUMBER_INT) {
            // the parser only reports BIG_INTEGER for a value that does not fit a long
            n = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? 0 : p.getLongValue();
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            n = d >= Long.MIN_VALUE && d <= Long.MAX_VALUE ? (long) d : 0;
        } else {
            p.skipChildren();
            n = 0;
        }
        return Math.max(0, n);
    }

    /**
     * The top-level {@code usage} of a unary answer. A byte scan (no allocation) finds where its object
     * starts, tracking strings and nesting so only a key of the outermost object counts; only that
     * object is parsed (an embeddings answer is mostly vectors). Null when absent or not JSON.
     */
    public static @Nullable TokenUsage fromBody(byte[] body) {
        int start = topLevelUsageObject(body);
        if (start < 0) {
            return null;
        }
        try (JsonParser p = Json.answerParser(body, start, body.length - start)) {
            p.nextToken();
            return read(p);
        } catch (IOException | RuntimeException e) {
            return null;   // a 2xx that is not JSON is passed on as is; it is simply not metered
        }
    }

    /** Index of the '{' that opens the value of the outermost object's {@code "usage"} key, or -1. */
    static int topLevelUsageObject(byte[] data) {
        int depth = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (b == '"') {
                if (depth == 1) {
                    int value = usageObjectAt(data, i);
                    if (value >= 0) {
                        return value;
                    }
                }
                i = endOfString(data, i);
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return -1;
    }

    /** Index of the closing quote of the string that opens at {@code open} (or the end of the data). */
    private static int endOfString(byte[] data, int open) {
        for (int i = open + 1; i < data.length; i++) {
            if (data[i] == '\\') {
                i++;
            } else if (data[i] == '"') {
                return i;
            }
        }
        return data.length;
    }

    /** When {@code "usage"} starts at {@code i} and is followed by {@code :} and an object: the object's index. */
    private static int usageObjectAt(byte[] data, int i) {
        if (i + USAGE.length > data.length) {
            return -1;
        }
        for (int k = 0; k < USAGE.length; k++) {
            if (data[i + k] != USAGE[k]) {
                return -1;
            }
        }
        int j = i + USAGE.length;
        while (j < data.length && isSpace(data[j])) j++;
        if (j >= data.length || data[j] != ':') {
            return -1;
        }
        j++;
        while (j < data.length && isSpace(data[j])) j++;
        return j < data.length && data[j] == '{' ? j : -1;
    }

    /** OpenAI's chat {@code usage} object for {@code usage}: what translating adapters put in their answers. */
    public static com.fasterxml.jackson.databind.node.ObjectNode toChatUsage(TokenUsage usage) {
        com.fasterxml.jackson.databind.node.ObjectNode u = Json.object();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }

    /**
     * True when {@code data} holds {@code "usage"} followed by an object (not {@code null}): a byte
     * scan, so the many chunks with {@code "usage":null} or no usage at all are never parsed.
     */
    public static boolean mentionsUsageObject(byte[] data) {
        for (int i = 0; i + 8 < data.length; i++) {
            if (data[i] == '"' && data[i + 1] == 'u' && usageObjectAt(data, i) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static final byte[] USAGE = {'"', 'u', 's', 'a', 'g', 'e', '"'};

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
