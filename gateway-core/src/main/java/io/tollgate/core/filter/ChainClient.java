package io.tollgate.core.filter;

import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.StreamChunk;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link GatewayClient} of a running gateway: runs the internal request as a child exchange of
 * the caller's (its principal, inherited attributes, user and tags; its event loop) through the
 * current config's internal chain ({@link FilterChain#only} the {@link #INTERNAL_FILTERS}).
 */
public final class ChainClient implements GatewayClient {

    /** The ledger's request_id column holds 128 characters. */
    private static final int MAX_ID = 128;

    private final Supplier<FilterChain> chain;
    private final ScheduledExecutorService timer;

    /**
     * @param chain the chain of the config version in force when a call starts
     * @param timer where timeouts are scheduled (they hop to the event loop to stop the call)
     */
    public ChainClient(Supplier<FilterChain> chain, ScheduledExecutorService timer) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    @Override
    public CompletableFuture<GatewayResponse> send(Exchange parent, GatewayRequest request, String purpose, Duration timeout) {
        DefaultExchange child = new DefaultExchange(childId(parent.requestId(), purpose), request, Headers.EMPTY,
                parent.eventLoop(), parent.ticker());
        child.principal(parent.principal());
        for (AttrKey<?> key : AttrKey.inheritedKeys()) {
            copy(parent, child, key);
        }
        child.record().user(parent.record().user());
        child.record().tags().putAll(parent.record().tags());

        Collector sink = new Collector();
        GatewayError timedOut = GatewayError.upstream(ErrorCode.UPSTREAM_TIMEOUT,
                "The internal " + purpose + " request took longer than " + timeout.toMillis() + " ms.", FailureClass.TIMEOUT, null);
        // abort, not cancel: the ledger row says it timed out, and the router stops the upstream call
        ScheduledFuture<?> deadline = timer.schedule(() -> parent.eventLoop().execute(() -> child.abort(timedOut)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        sink.result.whenComplete((r, e) -> deadline.cancel(false));
        child.onCancel(() -> sink.result.completeExceptionally(new GatewayException(GatewayError.of(ErrorCode.INTERNAL_ERROR,
                "The internal " + purpose + " request was cancelled."))));
        parent.onCancel(child::cancel);
        try {
            chain.get().execute(child, sink);
        } catch (RuntimeException e) {
            sink.result.completeExceptionally(e);
        }
        return sink.result;
    }

    static String childId(String parentId, String purpose) {
        String suffix = ":" + purpose;
        return (parentId.length() + suffix.length() <= MAX_ID ? parentId : parentId.substring(0, MAX_ID - suffix.length())) + suffix;
    }

    private static <T> void copy(Exchange from, Exchange to, AttrKey<T> key) {
        T value = from.attr(key);
        if (value != null) {
            to.attr(key, value);
        }
    }

    /** Completes with the unary answer; a streamed or failed one is an error (internal calls never stream). */
    private static final class Collector implements ResponseSink {
        final CompletableFuture<GatewayResponse> result = new CompletableFuture<>();

        @Override
        public void unary(GatewayResponse response) {
            if (response.status() / 100 == 2) {
                result.complete(response);
            } else {
                result.completeExceptionally(new GatewayException(GatewayError.of(ErrorCode.UPSTREAM_ERROR,
                        "The internal request was answered with status " + response.status() + ".")));
            }
        }

        @Override
        public void streamStart(GatewayResponse head) {
            result.completeExceptionally(new GatewayException(GatewayError.of(ErrorCode.UPSTREAM_ERROR,
                    "The internal request was answered with a stream.")));
        }

        @Override
        public void chunk(StreamChunk chunk) {}

        @Override
        public void streamEnd() {}

        @Override
        public void fail(GatewayError error) {
            result.completeExceptionally(new GatewayException(error));
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void onWritable(Runnable resume) {
            resume.run();
        }
    }
}
