package io.tollgate.core.filter;

import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.StreamChunk;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a filter decided about a request. The chain switches over it exhaustively. */
public sealed interface FilterDecision {

    /** Go on to the next filter; {@code hook} sees the response (use {@link ResponseHook#NONE} if not needed). */
    record Proceed(ResponseHook hook) implements FilterDecision {
        public Proceed {
            Objects.requireNonNull(hook, "hook");
        }
    }

    /**
     * Answer now (a cache hit); the hooks of filters that already proceeded still see it. For a
     * streaming {@code response} head, {@code chunks} are replayed through those hooks, then the stream ends.
     */
    record Respond(GatewayResponse response, List<StreamChunk> chunks) implements FilterDecision {
        public Respond {
            Objects.requireNonNull(response, "response");
            chunks = List.copyOf(chunks);
        }
    }

    /** Refuse with an error in the SPEC envelope (401, 402, 429, 400...). */
    record Reject(GatewayError error) implements FilterDecision {
        public Reject {
            Objects.requireNonNull(error, "error");
        }
    }

    /** Shared, already completed: the allocation-free answer of most filters on most requests. */
    static CompletionStage<FilterDecision> proceed() {
        return Decisions.PROCEED;
    }

    static CompletionStage<FilterDecision> proceed(ResponseHook hook) {
        return CompletableFuture.completedFuture(new Proceed(hook));
    }

    /** Answers with a unary response. */
    static CompletionStage<FilterDecision> respond(GatewayResponse response) {
        return CompletableFuture.completedFuture(new Respond(response, List.of()));
    }

    /** Answers with a streamed response: {@code head} (streaming) then {@code chunks}, then the end. */
    static CompletionStage<FilterDecision> respondStream(GatewayResponse head, List<StreamChunk> chunks) {
        return CompletableFuture.completedFuture(new Respond(head, chunks));
    }

    static CompletionStage<FilterDecision> reject(GatewayError error) {
        return CompletableFuture.completedFuture(new Reject(error));
    }
}

final class Decisions {
    static final CompletableFuture<FilterDecision> PROCEED = CompletableFuture.completedFuture(new FilterDecision.Proceed(ResponseHook.NONE));

    private Decisions() {}
}
