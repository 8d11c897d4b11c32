package io.tollgate.core.filter;

import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The response of one request, as seen by the filter that registered this hook. Runs on the event
 * loop, in reverse chain order, only for filters that proceeded. Cheap: no I/O, no blocking (hand
 * slow work to a queue, as the ledger does).
 *
 * <p>One hook instance serves one request, so it may keep plain fields.
 */
public interface ResponseHook {

    ResponseHook NONE = new ResponseHook() {};

    /** The head (and, if unary, the whole body) of a successful answer, before it is written. */
    default void onResponse(Exchange ex, GatewayResponse response) {}

    /**
     * Each chunk of a streamed answer, before it is written. Return it unchanged (it is then written
     * without re-serialization), a replacement, or null to drop it.
     */
    default @Nullable StreamChunk onChunk(Exchange ex, StreamChunk chunk) {
        return chunk;
    }

    /**
     * Each chunk of a streamed answer, for a hook that may send several chunks in its place (in order),
     * or hold text back for a later one: every chunk handed to {@code out} goes on to the outer hooks and
     * the client. By default, {@link #onChunk(Exchange, StreamChunk)}'s one chunk.
     */
    default void onChunk(Exchange ex, StreamChunk chunk, Consumer<StreamChunk> out) {
        StreamChunk c = onChunk(ex, chunk);
        if (c != null) {
            out.accept(c);
        }
    }

    /**
     * A streamed answer ended normally, before the client hears so: the last chance to send what a hook
     * held back (through {@code out}, like {@link #onChunk(Exchange, StreamChunk, Consumer)}).
     */
    default void onStreamEnd(Exchange ex, Consumer<StreamChunk> out) {}

    /** Exactly once per request: success, error (before or during a stream) or client cancel. */
    default void onComplete(Exchange ex, Completion completion) {}
}
