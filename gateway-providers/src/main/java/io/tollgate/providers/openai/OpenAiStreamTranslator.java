package io.tollgate.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ChunkSink;
import io.tollgate.core.provider.SseDecoder;
import io.tollgate.core.provider.StreamTranslator;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's SSE streams (Chat Completions, completions, Responses) are already canonical, so events
 * pass through byte for byte. The translator only: drops {@code [DONE]} (the client's encoder writes
 * its own end), attaches {@link TokenUsage} to the events that carry a {@code usage} object (found
 * by a byte scan, so the other chunks are never parsed), marks the usage chunk the gateway asked for
 * as usage-only, keeps Responses {@code event:} names, and turns in-stream error objects into
 * {@link ChunkSink#error}.
 */
public final class OpenAiStreamTranslator implements StreamTranslator {

    private final String provider;
    private final boolean usageInjected;
    private final boolean responsesApi;
    private final SseDecoder decoder = new SseDecoder();
    private final SseDecoder.Handler handler;
    private @Nullable ChunkSink sink;
    /** Whether the stream reached a proper end: {@code [DONE]}, a finish_reason, or a terminal Responses event. */
    private boolean finished;
    /** Whether its last event came: {@code [DONE]}, or a terminal Responses event (Responses streams send no {@code [DONE]}). */
    private boolean terminal;

    /**
     * @param usageInjected true when the gateway added {@code stream_options.include_usage} that the
     *                      client did not ask for: the final usage chunk is then marked usage-only
     * @param responsesApi  the stream is a Responses API stream (ends with a terminal
     *                      {@code response.*} event rather than {@code [DONE]})
     */
    public OpenAiStreamTranslator(String provider, boolean usageInjected, boolean responsesApi) {
        this.provider = provider;
        this.usageInjected = usageInjected;
        this.responsesApi = responsesApi;
        this.handler = this::onEvent;
    }

    @Override
    public void feed(ByteBuffer bytes, ChunkSink out) {
        sink = out;
        decoder.feed(bytes, handler);
    }

    @Override
    public void end(ChunkSink out) {
        sink = out;
        decoder.end(handler);
        if (!finished) {
            // A body that stops before the vendor's end marks was cut (proxy timeout, dropped
            // connection closed cleanly): say so rather than end a half answer silently.
            out.error(OpenAiErrors.truncatedStream(provider));
        }
    }

    @Override
    public boolean ended() {
        return terminal;
    }

    private void onEvent(@Nullable String event, byte[] data) {
        ChunkSink out = sink;
        if (out == null || terminal || (data.length == 0 && event == null)) {
            return;
        }
        if (SseDecoder.isDone(data)) {
            finished = true;
            terminal = true;
            return;
        }
        if (!finished && (responsesApi ? isTerminal(event, data) : contains(data, FINISH_REASON))) {
            finished = true;   // once seen, no more scanning
            terminal = responsesApi;
        }
        if ("error".equals(event) || startsWithErrorKey(data)) {
            finished = true;   // reported already: no second error for the missing end
            out.error(OpenAiErrors.streamError(provider, parseOrEmpty(data)));
            return;
        }
        StreamChunk chunk = event == null ? StreamChunk.of(data) : StreamChunk.event(event, data);
        if (OpenAiUsage.mentionsUsageObject(data)) {
            JsonNode json = parseOrEmpty(data);
            JsonNode usageNode = json.get("usage");
            if (usageNode == null || !usageNode.isObject()) {
                usageNode = json.path("response").get("usage");   // Responses API: response.completed
            }
            TokenUsage usage = OpenAiUsage.parse(usageNode);
            if (usage != null) {
                chunk = chunk.withUsage(usage);
                if (usageInjected && isUsageOnlyChunk(json)) {
                    chunk = chunk.asUsageOnly();
                }
            }
        }
        out.chunk(chunk);
    }

    private static final byte[] FINISH_REASON = "\"finish_reason\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final byte[][] TERMINAL_TYPES = {
            "\"type\":\"response.completed\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "\"type\":\"response.failed\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "\"type\":\"response.incomplete\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};

    /** A terminal Responses event, by its {@code event:} name or, for servers that send no names, its {@code type}. */
    private static boolean isTerminal(@Nullable String event, byte[] data) {
        if (event != null) {
            return event.equals("response.completed") || event.equals("response.failed") || event.equals("response.incomplete");
        }
        for (byte[] type : TERMINAL_TYPES) {
            if (contains(data, type)) return true;
        }
        return false;
    }

    private static boolean contains(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i <= a.length - b.length; i++) {
            for (int k = 0; k < b.length; k++) {
                if (a[i + k] != b[k]) continue outer;
            }
            return true;
        }
        return false;
    }

    /** The chunk {@code include_usage} adds: {@code choices: []} and a usage object. */
    private static boolean isUsageOnlyChunk(JsonNode json) {
        JsonNode choices = json.get("choices");
        return choices != null && choices.isArray() && choices.isEmpty();
    }

    private static JsonNode parseOrEmpty(byte[] data) {
        try {
            return Json.parseAnswer(data);
        } catch (IOException | RuntimeException e) {
            return Json.object();
        }
    }

    /** True for {@code {"error": ...}}: the first key of the object is {@code error}. */
    static boolean startsWithErrorKey(byte[] data) {
        int i = skipSpace(data, 0);
        if (i >= data.length || data[i] != '{') return false;
        i = skipSpace(data, i + 1);
        byte[] key = {'"', 'e', 'r', 'r', 'o', 'r', '"'};
        if (i + key.length > data.length) return false;
        for (int k = 0; k < key.length; k++) {
            if (data[i + k] != key[k]) return false;
        }
        return true;
    }

    private static int skipSpace(byte[] d, int i) {
        while (i < d.length && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t')) i++;
        return i;
    }
}
