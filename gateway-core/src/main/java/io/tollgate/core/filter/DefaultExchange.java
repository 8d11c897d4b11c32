package io.tollgate.core.filter;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.RequestRecord;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import io.tollgate.core.error.GatewayError;
import org.jspecify.annotations.Nullable;

/** The exchange the server creates per request. Confined to its event loop: no locks. */
public final class DefaultExchange implements Exchange {

    private final String requestId;
    private final Headers requestHeaders;
    private final MutableHeaders responseHeaders = new MutableHeaders();
    private final Executor eventLoop;
    private final Ticker ticker;
    private final RequestRecord record;
    private GatewayRequest request;
    private Principal principal = Principal.ANONYMOUS;
    private @Nullable Map<AttrKey<?>, Object> attrs;
    private @Nullable List<Runnable> cancelActions;
    private boolean cancelled;
    private @Nullable Consumer<GatewayError> abortAction;
    private boolean aborted;

    public DefaultExchange(String requestId, GatewayRequest request, Headers requestHeaders, Executor eventLoop, Ticker ticker) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.request = Objects.requireNonNull(request, "request");
        this.requestHeaders = Objects.requireNonNull(requestHeaders, "requestHeaders");
        this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.record = new RequestRecord(ticker.read());
        Attribution.apply(requestHeaders, request, record);
    }

    @Override public String requestId() { return requestId; }
    @Override public ApiKind api() { return request.api(); }
    @Override public Principal principal() { return principal; }
    @Override public void principal(Principal principal) { this.principal = Objects.requireNonNull(principal, "principal"); }
    @Override public GatewayRequest request() { return request; }
    @Override public void request(GatewayRequest rewritten) { this.request = Objects.requireNonNull(rewritten, "rewritten"); }
    @Override public Headers requestHeaders() { return requestHeaders; }
    @Override public MutableHeaders responseHeaders() { return responseHeaders; }
    @Override public RequestRecord record() { return record; }
    @Override public Executor eventLoop() { return eventLoop; }
    @Override public Ticker ticker() { return ticker; }
    @Override public boolean isCancelled() { return cancelled; }

    @Override
    @SuppressWarnings("unchecked")
    public <T> @Nullable T attr(AttrKey<T> key) {
        return attrs == null ? null : (T) attrs.get(key);
    }

    @Override
    public <T> void attr(AttrKey<T> key, @Nullable T value) {
        if (attrs == null) {
            attrs = new IdentityHashMap<>(8);
        }
        if (value == null) {
            attrs.remove(key);
        } else {
            attrs.put(key, value);
        }
    }

    @Override
    public void onCancel(Runnable action) {
        if (cancelled) {
            action.run();
            return;
        }
        if (cancelActions == null) {
            cancelActions = new ArrayList<>(2);
        }
        cancelActions.add(action);
    }

    @Override
    public void onAbort(Consumer<GatewayError> action) {
        this.abortAction = Objects.requireNonNull(action, "action");
    }

    /**
     * Fails the response through the chain (hooks and client see {@code error}), then runs the cancel
     * actions so the upstream call stops. Once only; a no-op after the client went away.
     */
    @Override
    public void abort(GatewayError error) {
        if (aborted || cancelled) {
            return;
        }
        aborted = true;
        if (abortAction != null) {
            abortAction.accept(error);
        }
        cancel();
    }

    /** True once {@link #abort} ended this request. */
    public boolean isAborted() {
        return aborted;
    }

    /** The client went away: runs the cancel actions once, newest first (the upstream call before the chain). */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (cancelActions != null) {
            for (int i = cancelActions.size() - 1; i >= 0; i--) {
                cancelActions.get(i).run();
            }
            cancelActions = null;
        }
    }
}
