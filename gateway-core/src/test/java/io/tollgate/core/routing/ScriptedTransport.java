package io.tollgate.core.routing;

import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamFailure;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.core.upstream.UpstreamTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Test double for {@link UpstreamTransport}: replays scripted answers per provider (the host of the
 * adapter's URI, {@code <provider>.test}). A provider's queue is consumed in order; its last script
 * repeats. Scripts run synchronously inside {@code send}, moving the {@link FakeTicker} to simulate
 * latency; {@link #manual()} scripts hand the test a {@link Call} to drive step by step.
 */
public final class ScriptedTransport implements UpstreamTransport {

    /** One scripted attempt. */
    @FunctionalInterface
    public interface Script extends Consumer<Call> { }

    private final FakeTicker ticker;
    private final Map<String, Deque<Script>> scripts = new HashMap<>();
    final List<String> sent = new ArrayList<>();
    public final List<UpstreamRequest> requests = new ArrayList<>();
    public final List<Call> calls = new ArrayList<>();

    public ScriptedTransport(FakeTicker ticker) {
        this.ticker = ticker;
    }

    public ScriptedTransport on(String provider, Script... answers) {
        Deque<Script> q = scripts.computeIfAbsent(provider, p -> new ArrayDeque<>());
        q.addAll(List.of(answers));
        return this;
    }

    /** Drops the oldest script of {@code provider} (to replace a repeating one). */
    void dropFirst(String provider) {
        scripts.get(provider).poll();
    }

    @Override
    public UpstreamCall send(Exchange ex, UpstreamRequest request, TimeoutConfig timeouts, UpstreamListener listener) {
        String provider = request.uri().getHost().replace(".test", "");
        sent.add(provider);
        requests.add(request);
        Deque<Script> q = scripts.get(provider);
        if (q == null || q.isEmpty()) {
            throw new AssertionError("no script for " + provider);
        }
        Script s = q.size() > 1 ? q.poll() : q.peek();
        Call call = new Call(provider, listener, ticker);
        calls.add(call);
        s.accept(call);
        return call;
    }

    // ---- scripts ----

    public static Script unary(int status, String body, String... headers) {
        return unary(Duration.ZERO, status, body, headers);
    }

    public static Script unary(Duration latency, int status, String body, String... headers) {
        return c -> {
            c.ticker.advance(latency);
            c.head(status, headers);
            c.body(body);
            c.end();
        };
    }

    /** A complete SSE stream: one event per chunk, then [DONE]. */
    public static Script stream(Duration firstToken, String... chunks) {
        return c -> {
            c.ticker.advance(firstToken);
            c.head(200, "content-type", "text/event-stream");
            for (String chunk : chunks) {
                c.body("data: " + chunk + "\n\n");
            }
            c.body("data: [DONE]\n\n");
            c.end();
        };
    }

    static Script failure(UpstreamFailure.Kind kind) {
        return c -> c.fail(kind);
    }

    /** Does nothing: the test drives the returned {@link Call}. */
    public static Script manual() {
        return c -> { };
    }

    /** One attempt in flight, drivable by a test. */
    public static final class Call implements UpstreamCall {
        final String provider;
        final UpstreamListener listener;
        final FakeTicker ticker;
        public boolean cancelled;
        boolean paused;
        int pauses;
        int resumes;

        Call(String provider, UpstreamListener listener, FakeTicker ticker) {
            this.provider = provider;
            this.listener = listener;
            this.ticker = ticker;
        }

        public Call head(int status, String... headers) {
            if (!cancelled) listener.onHead(status, MutableHeaders.of(headers));
            return this;
        }

        public Call body(String text) {
            if (!cancelled) listener.onBody(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            return this;
        }

        public Call end() {
            if (!cancelled) listener.onEnd();
            return this;
        }

        Call fail(UpstreamFailure.Kind kind) {
            if (!cancelled) listener.onFailure(new UpstreamFailure(kind, "scripted"));
            return this;
        }

        @Override public void cancel() { cancelled = true; }
        @Override public void pause() { paused = true; pauses++; }
        @Override public void resume() { paused = false; resumes++; }
    }
}
