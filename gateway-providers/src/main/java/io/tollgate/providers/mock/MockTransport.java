package io.tollgate.providers.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.config.TimeoutConfig;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamFailure;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.core.upstream.UpstreamTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The mock provider's in-process "network": answers OpenAI-shaped requests on the request's event
 * loop, never blocking it (delays go through the shared scheduler and hop back to the loop).
 *
 * <p>Knobs, read from the upstream request's headers (the provider's configured {@code headers})
 * and then the client's request headers (which win):
 * <ul>
 *   <li>{@code x-mock-latency-ms}: delay before the response head (a delay reaching the attempt's
 *       {@code first-token} timeout fails the attempt with a first-byte timeout, as the real
 *       transport would);</li>
 *   <li>{@code x-mock-chunk-delay-ms}: delay between streamed chunks.</li>
 * </ul>
 * Errors on demand, by upstream model name: {@code mock-error-<status>} (e.g. {@code mock-error-429},
 * {@code mock-error-500}) answers that status with OpenAI's error envelope ({@code retry-after-ms: 100}
 * on 429); {@code mock-error-context-length} a 400 {@code context_length_exceeded};
 * {@code mock-error-timeout} never answers (first-byte timeout); {@code mock-error-reset} a reset
 * connection; {@code mock-error-midstream} a stream cut after its first chunk.
 */
final class MockTransport implements UpstreamTransport {

    static final String LATENCY_HEADER = "x-mock-latency-ms";
    static final String CHUNK_DELAY_HEADER = "x-mock-chunk-delay-ms";
    private static final long MAX_DELAY_MS = 600_000;

    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    MockTransport(ScheduledExecutorService scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Override
    public UpstreamCall send(Exchange ex, UpstreamRequest request, TimeoutConfig timeouts, UpstreamListener listener) {
        Call call = new Call(ex.eventLoop(), listener, timeouts);
        long latency = knob(LATENCY_HEADER, request.headers(), ex.requestHeaders());
        call.chunkDelayMs = knob(CHUNK_DELAY_HEADER, request.headers(), ex.requestHeaders());
        long firstByteLimit = timeouts.firstToken().toMillis();
        Answer answer = answer(request);
        if (answer.failure == Failure.TIMEOUT || latency >= firstByteLimit) {
            call.later(firstByteLimit, () -> call.fail(new UpstreamFailure(UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT,
                    "no response head within " + timeouts.firstToken().toMillis() + "ms")));
        } else {
            call.latencyMs = latency;
            call.later(latency, () -> call.start(answer));
        }
        return call;
    }

    private static long knob(String name, Headers provider, Headers client) {
        String v = client.get(name);
        if (v == null) v = provider.get(name);
        if (v == null) return 0;
        try {
            return Math.max(0, Math.min(MAX_DELAY_MS, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private enum Failure { NONE, TIMEOUT, RESET, MIDSTREAM }

    /** What to send: a status and either a body or SSE payloads, or a failure. */
    private record Answer(int status, MutableHeaders headers, byte @Nullable [] body, @Nullable List<byte[]> events, Failure failure) {
        static Answer json(int status, JsonNode body) {
            return new Answer(status, MutableHeaders.of("content-type", "application/json"), Json.bytes(body), null, Failure.NONE);
        }
    }

    Answer answer(UpstreamRequest request) {
        String path = request.uri().getPath();
        if (request.method().equals("GET") && path.endsWith("/models")) {
            return Answer.json(200, MockResponses.models());
        }
        JsonNode body;
        try {
            body = Json.parse(request.body());
        } catch (IOException | RuntimeException e) {
            return Answer.json(400, MockResponses.error(400, "We could not parse the JSON body of your request. (mock)"));
        }
        String model = body.path("model").asText("");
        if (model.startsWith("mock-error-")) {
            Answer failure = failure(model.substring("mock-error-".length()));
            if (failure != null) {
                return failure;
            }
        }
        boolean stream = body.path("stream").asBoolean(false);
        long created = clock.instant().getEpochSecond();
        if (path.endsWith("/chat/completions")) {
            return stream ? sse(MockResponses.stream(body, model, created, true), model)
                    : Answer.json(200, MockResponses.chatCompletion(body, model, created));
        }
        if (path.endsWith("/completions")) {
            return stream ? sse(MockResponses.stream(body, model, created, false), model)
                    : Answer.json(200, MockResponses.completion(body, model, created));
        }
        if (path.endsWith("/responses")) {
            return stream ? sse(MockResponses.responsesStream(body, model, created), model)
                    : Answer.json(200, MockResponses.response(body, model, created));
        }
        if (path.endsWith("/embeddings")) {
            return Answer.json(200, MockResponses.embeddings(body, model));
        }
        return Answer.json(404, MockResponses.error(404, "Unknown request URL: POST " + path + ". The mock serves chat/completions, completions, responses, embeddings and models."));
    }

    /** {@code frames}: complete SSE frames, written one per read. */
    private static Answer sse(List<byte[]> frames, String model) {
        Failure f = model.equals("mock-error-midstream") ? Failure.MIDSTREAM : Failure.NONE;
        return new Answer(200, MutableHeaders.of("content-type", "text/event-stream; charset=utf-8"), null, frames, f);
    }

    private static @Nullable Answer failure(String what) {
        switch (what.toLowerCase(Locale.ROOT)) {
            case "timeout":
                return new Answer(0, MutableHeaders.of(), null, null, Failure.TIMEOUT);
            case "reset":
                return new Answer(0, MutableHeaders.of(), null, null, Failure.RESET);
            case "midstream":
                return null;   // a normal stream, cut later
            case "context-length":
                return Answer.json(400, MockResponses.contextLengthError());
            default:
                int status;
                try {
                    status = Integer.parseInt(what);
                } catch (NumberFormatException e) {
                    return null;   // an ordinary model name that happens to start with mock-error-
                }
                if (status < 400 || status > 599) return null;
                Answer a = Answer.json(status, MockResponses.error(status, "Mock error " + status + " (asked for by model 'mock-error-" + status + "')."));
                if (status == 429) a.headers().add("retry-after-ms", "100");
                return a;
        }
    }

    /** One attempt: emits on the event loop, honours cancel and pause. */
    private final class Call implements UpstreamCall {
        private final Executor loop;
        private final UpstreamListener listener;
        private final TimeoutConfig timeouts;
        private long latencyMs;
        private long chunkDelayMs;
        private boolean cancelled;
        private boolean done;
        private boolean paused;
        private boolean parked;
        private @Nullable List<byte[]> events;
        private int next;
        private boolean cutMidstream;

        Call(Executor loop, UpstreamListener listener, TimeoutConfig timeouts) {
            this.loop = loop;
            this.listener = listener;
            this.timeouts = timeouts;
        }

        /** Runs {@code task} on the event loop after {@code delayMs}, unless cancelled by then. */
        void later(long delayMs, Runnable task) {
            Runnable guarded = () -> {
                if (!cancelled && !done) task.run();
            };
            if (delayMs <= 0) {
                loop.execute(guarded);
            } else {
                scheduler.schedule(() -> loop.execute(guarded), delayMs, TimeUnit.MILLISECONDS);
            }
        }

        void start(Answer answer) {
            if (answer.failure == Failure.RESET) {
                fail(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_RESET, "mock-error-reset"));
                return;
            }
            listener.onHead(answer.status, answer.headers);
            if (answer.events == null) {
                listener.onBody(ByteBuffer.wrap(answer.body == null ? new byte[0] : answer.body).asReadOnlyBuffer());
                finish();
                return;
            }
            events = answer.events;
            cutMidstream = answer.failure == Failure.MIDSTREAM;
            // The stream's length is known, so a timer is only armed when the total timeout will fire.
            long totalMs = timeouts.total().toMillis();
            if (latencyMs + chunkDelayMs * answer.events.size() >= totalMs) {
                later(Math.max(0, totalMs - latencyMs), () -> fail(new UpstreamFailure(UpstreamFailure.Kind.TOTAL_TIMEOUT,
                        "attempt exceeded " + totalMs + "ms")));
            }
            emit();
        }

        private void emit() {
            if (cancelled || done) return;
            if (paused) {
                parked = true;
                return;
            }
            List<byte[]> ev = events;
            if (ev == null) return;
            if (cutMidstream && next == 1) {
                fail(new UpstreamFailure(UpstreamFailure.Kind.CONNECTION_RESET, "mock-error-midstream"));
                return;
            }
            if (next >= ev.size()) {
                finish();
                return;
            }
            listener.onBody(ByteBuffer.wrap(ev.get(next++)).asReadOnlyBuffer());
            long idleMs = timeouts.idle().toMillis();
            if (chunkDelayMs >= idleMs && next < ev.size()) {
                later(idleMs, () -> fail(new UpstreamFailure(UpstreamFailure.Kind.IDLE_TIMEOUT, "no chunk for " + idleMs + "ms")));
                return;
            }
            later(chunkDelayMs, this::emit);
        }

        private void finish() {
            done = true;
            listener.onEnd();
        }

        void fail(UpstreamFailure failure) {
            done = true;
            listener.onFailure(failure);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            if (!paused) return;
            paused = false;
            if (parked) {
                parked = false;
                later(0, this::emit);
            }
        }
    }
}
