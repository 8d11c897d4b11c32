package io.tollgate.core.routing;

import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.RetryConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.ResponseSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.provider.ChunkSink;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.core.upstream.AttemptObserver;
import io.tollgate.core.upstream.BodyBuffer;
import io.tollgate.core.upstream.UpstreamCall;
import io.tollgate.core.upstream.UpstreamFailure;
import io.tollgate.core.upstream.UpstreamListener;
import io.tollgate.core.upstream.UpstreamRequest;
import io.tollgate.core.upstream.UpstreamTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain's terminal: per attempt picks a target of the request's alias (strategy, breakers,
 * 429 cooldowns, bulkheads), sends the adapter's request through the adapter's in-process transport
 * or the network one, and pipes the answer into the sink. Retries and fallbacks happen only before
 * the first byte reached the client; after it, a failure ends the stream with an error event.
 *
 * <p>One instance per config version (it holds that version's {@link Routes}); the per-target state
 * it learns lives in {@link RoutingState} and survives reloads. Runs on the request's event loop;
 * retries wait on a scheduler, never by sleeping.
 */
public final class ModelRouter implements Terminal {

    /** Route headers on every proxied answer (a cache hit sets them from the stored answer, with 0 attempts). */
    public static final String PROVIDER_HEADER = "x-gateway-provider";
    public static final String MODEL_HEADER = "x-gateway-model";
    public static final String ATTEMPTS_HEADER = "x-gateway-attempts";
    /** {@code hit}, {@code miss} or {@code bypass}; set by the cache filter, else {@code bypass} here. */
    public static final String CACHE_HEADER = "x-gateway-cache";
    private static final Logger log = LoggerFactory.getLogger(ModelRouter.class);

    /** Error bodies beyond this are cut: they are only parsed for a message. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** Handed to Resilience4j so a failed call counts; no stack trace, it is not a bug. */
    private static final Exception UPSTREAM_FAILED = new Exception("upstream attempt failed", null, false, false) { };

    private final Routes routes;
    private final UpstreamTransport network;
    private final RetryScheduler scheduler;
    private final Ticker ticker;
    private final DoubleSupplier random;
    private final RouterMetrics metrics;

    /** The production router: retries on {@code services.scheduler()}. */
    public ModelRouter(Routes routes, FilterServices services, UpstreamTransport network) {
        this(routes, services, network, RetryScheduler.of(services.scheduler()), () -> ThreadLocalRandom.current().nextDouble());
    }

    /** With an explicit scheduler and jitter source (tests drive time by hand). */
    public ModelRouter(Routes routes, FilterServices services, UpstreamTransport network, RetryScheduler scheduler, DoubleSupplier random) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.network = Objects.requireNonNull(network, "network");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.ticker = services.ticker();
        this.random = random;
        this.metrics = services.shared(RouterMetrics.class, () -> new RouterMetrics(services.meterRegistry()));
    }

    /** The router of {@code config}: shares its {@link Routes} with that version's {@link ModelAccessFilter}. */
    public static ModelRouter create(GatewayConfig config, FilterServices services, UpstreamTransport network) {
        return new ModelRouter(Routes.of(config, services), services, network);
    }

    public Routes routes() {
        return routes;
    }

    @Override
    public void handle(Exchange ex, ResponseSink sink) {
        Route resolved = ex.attr(ModelAccessFilter.ROUTE);
        // the filter resolved and checked the alias; use this router's own route for it (the same
        // object unless the server built the router's routes itself, e.g. with another price table)
        Route route = resolved == null ? null : Objects.requireNonNullElse(routes.route(resolved.alias()), resolved);
        if (route == null) {   // model-access disabled: resolve here, without the permission check
            String alias = ex.request().model();
            route = alias.isEmpty() ? null : routes.route(alias);
            if (route == null) {
                sink.fail(alias.isEmpty() ? GatewayError.invalidRequest("Missing required field 'model'.", "model") : GatewayError.modelNotFound(alias));
                return;
            }
            ex.record().alias(alias);
        }
        RoutedRequest r = new RoutedRequest(ex, sink, route);
        ex.onCancel(r::cancel);
        r.next();
    }

    /** Jittered exponential backoff for attempt {@code n} (1-based, the attempt that failed): base * 2^(n-1), half of it random. */
    long backoffNanos(RetryConfig retries, int n) {
        double full = retries.backoff().toNanos() * Math.pow(2, Math.max(0, n - 1));
        full = Math.min(full, retries.maxBackoff().toNanos());
        return (long) (full / 2 + random.getAsDouble() * full / 2);
    }

    static String outcome(FailureClass failure) {
        return switch (failure) {
            case RATE_LIMIT -> "rate_limited";
            case TIMEOUT -> "timeout";
            case CONNECTION -> "connection";
            case CLIENT_ERROR, CONTEXT_LENGTH -> "client_error";
            case AUTH -> "auth_error";
            default -> "error";
        };
    }

    /** One client request across its attempts. Confined to the request's event loop. */
    private final class RoutedRequest {

        private final Exchange ex;
        private final ResponseSink sink;
        private final Route route;
        private final boolean[] tried;
        private int attempts;
        private @Nullable Attempt current;
        private @Nullable GatewayError lastError;
        private boolean started;
        private boolean finished;

        RoutedRequest(Exchange ex, ResponseSink sink, Route route) {
            this.ex = ex;
            this.sink = sink;
            this.route = route;
            this.tried = new boolean[route.targets().size()];
        }

        void next() {
            if (finished) {
                return;
            }
            if (ex.isCancelled()) {
                cancel();
                return;
            }
            List<Target> servable = route.servable(ex.api());
            if (servable.isEmpty()) {
                finish(route.anyEnabled()
                        ? GatewayError.invalidRequest("The model '" + route.alias() + "' has no provider that serves " + ex.api().path() + ".", "model")
                        : GatewayError.of(ErrorCode.NO_HEALTHY_UPSTREAM, "None of the providers of model '" + route.alias()
                                + "' (" + route.providerNames() + ") is enabled: their credentials are missing."));
                return;
            }
            long now = ticker.read();
            Target chosen = admit(servable, now);
            if (chosen == null) {
                finish(lastError != null ? lastError : noHealthyUpstream(servable, now));
                return;
            }
            start(chosen);
        }

        /** Ranks untried targets first, then tried ones; takes the first that is not cooling down and that its bulkhead and breaker admit. */
        private @Nullable Target admit(List<Target> servable, long now) {
            List<Target> untried = new ArrayList<>(servable.size());
            List<Target> again = new ArrayList<>(servable.size());
            for (Target t : servable) {
                if (!t.state().coolingDown(now)) {
                    (tried[t.index()] ? again : untried).add(t);
                }
            }
            Integer maxConcurrent = route.config().maxConcurrent();
            int cap = maxConcurrent == null ? Integer.MAX_VALUE : maxConcurrent;
            for (List<Target> group : List.of(untried, again)) {
                if (group.isEmpty()) {
                    continue;
                }
                for (Target t : route.strategy().rank(group)) {
                    if (!t.state().tryEnter(cap)) {
                        continue;
                    }
                    if (t.state().breaker().tryAcquirePermission()) {
                        return t;
                    }
                    t.state().exit();
                }
            }
            return null;
        }

        private GatewayError noHealthyUpstream(List<Target> servable, long now) {
            long soonest = Long.MAX_VALUE;
            int cooling = 0;
            for (Target t : servable) {
                if (t.state().coolingDown(now)) {
                    cooling++;
                    soonest = Math.min(soonest, t.state().cooldownUntil() - now);
                }
            }
            String why = cooling == servable.size()
                    ? "every target of model '" + route.alias() + "' is rate limited upstream"
                    : "every target of model '" + route.alias() + "' is unavailable (circuit breaker open, rate limited or at its concurrency limit)";
            GatewayError e = GatewayError.of(ErrorCode.NO_HEALTHY_UPSTREAM, "No healthy upstream: " + why + ". Try again shortly.");
            return cooling == servable.size() ? e.withRetryAfter(Duration.ofNanos(Math.max(1_000_000_000L, soonest))) : e;
        }

        private void start(Target t) {
            attempts++;
            tried[t.index()] = true;
            if (attempts > 1) {
                metrics.fallback(route.alias());
            }
            ex.record().provider(t.provider());
            ex.record().upstreamModel(t.model());
            ex.record().attempts(attempts);
            GatewayRequest canonical = ex.request();
            if (Route.apiFor(t, canonical.api()) != canonical.api()) {
                canonical = canonical.withApi(ApiKind.CHAT_COMPLETIONS);   // /v1/messages to a chat-only provider
            }
            UpstreamRequest request;
            try {
                request = t.adapter().toUpstream(canonical, t.model());
            } catch (GatewayException e) {
                release(t, Outcome.NEUTRAL, 0);
                finish(e.error());
                return;
            } catch (RuntimeException e) {
                log.warn("provider {} could not build the upstream request {}", t.provider(), ex.requestId(), e);
                release(t, Outcome.NEUTRAL, 0);
                finish(GatewayError.internal("the " + t.provider() + " adapter"));
                return;
            }
            UpstreamTransport local = t.adapter().localTransport();
            Attempt a = new Attempt(t, canonical, ticker.read());
            current = a;
            AttemptObserver observer = ex.attr(AttemptObserver.KEY);   // tracing; null while it is off
            if (observer != null) {
                a.observed = observer.attemptStarted(ex, request);
            }
            UpstreamCall call;
            try {
                call = (local != null ? local : network).send(ex, request, route.config().timeouts(), a);
            } catch (RuntimeException e) {
                log.warn("transport failed to start an attempt to {} for {}", t.provider(), ex.requestId(), e);
                a.onFailure(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "could not send"));
                return;
            }
            a.attach(call);
        }

        /** An attempt failed before the client saw a byte: retry, fall back, or answer with the error. */
        void attemptFailed(Attempt a, GatewayError error) {
            lastError = error;
            ModelConfig m = route.config();
            if (error.failure() == FailureClass.RATE_LIMIT) {
                Duration after = error.retryAfter() != null ? error.retryAfter() : m.retries().backoff();
                a.target.state().coolDownUntil(ticker.read() + after.toNanos());
            }
            if (!m.fallbackOn().contains(error.failure()) || attempts >= m.retries().maxAttempts() || ex.isCancelled()) {
                finish(error);
                return;
            }
            long now = ticker.read();
            boolean freshTarget = route.servable(ex.api()).stream().anyMatch(t -> !tried[t.index()] && !t.state().coolingDown(now)
                    && t.state().breaker().getState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
            long delay;
            if (freshTarget) {
                delay = 0;   // fall back to another target at once; backoff is for trying the same ones again
            } else {
                delay = backoffNanos(m.retries(), attempts);
                Duration after = error.retryAfter();
                if (after != null) {
                    if (after.compareTo(m.retries().maxBackoff()) > 0) {
                        finish(error);   // waiting that long would exceed max-backoff: let the client decide
                        return;
                    }
                    delay = Math.max(delay, after.toNanos());
                }
            }
            if (delay <= 0) {
                next();
            } else {
                scheduler.schedule(delay, () -> ex.eventLoop().execute(this::next));
            }
        }

        void finish(GatewayError error) {
            if (finished) {
                return;
            }
            finished = true;
            if (attempts > 0) {
                routeHeaders();
            }
            sink.fail(error);
        }

        void routeHeaders() {
            ex.responseHeaders().set(PROVIDER_HEADER, ex.record().provider());
            ex.responseHeaders().set(MODEL_HEADER, ex.record().upstreamModel());
            ex.responseHeaders().set(ATTEMPTS_HEADER, Integer.toString(attempts));
            if (ex.responseHeaders().get(CACHE_HEADER) == null) {
                ex.responseHeaders().set(CACHE_HEADER, ex.record().cache()); // no cache filter (cache off): "bypass"
            }
        }

        /** The client went away: stop the attempt in flight and schedule nothing more (no answer is sent). */
        void cancel() {
            Attempt a = current;
            if (a != null && !a.done) {
                a.abort();
            }
            finished = true;   // nobody to answer: the chain completes the request as cancelled
        }

        private enum Mode { ERROR, UNARY, STREAM }

        /** One upstream attempt: the transport's listener and the translator's chunk sink. */
        private final class Attempt implements UpstreamListener, ChunkSink {

            final Target target;
            final GatewayRequest request;
            /**
             * Read from the request's tree as the attempt starts: by the time the answer's head arrives, at
             * saturation, the tree has left the CPU's caches and the lookup cost 1.5 % of the gateway's samples.
             */
            final boolean stream;
            final long sentNanos;
            private @Nullable UpstreamCall call;
            private boolean done;
            private boolean ended;
            private boolean paused;
            private boolean cancelOnAttach;
            private int status;
            private Headers headers = Headers.EMPTY;
            private Mode mode = Mode.ERROR;
            private final BodyBuffer body = new BodyBuffer();
            private @Nullable StreamTranslator translator;
            private long firstTokenLatency = -1;
            AttemptObserver.@Nullable AttemptEnd observed;

            Attempt(Target target, GatewayRequest request, long sentNanos) {
                this.target = target;
                this.request = request;
                this.stream = request.stream();
                this.sentNanos = sentNanos;
            }

            void attach(UpstreamCall c) {
                if (cancelOnAttach) {
                    c.cancel();   // failed inside send (an in-stream error, say): stop the call now that we hold it
                    return;
                }
                if (done) {
                    return;
                }
                call = c;
                if (paused) {
                    c.pause();
                }
            }

            @Override
            public void onHead(int status, Headers headers) {
                if (done) {
                    return;
                }
                this.status = status;
                this.headers = headers;
                if (status < 200 || status >= 300) {
                    mode = Mode.ERROR;
                } else if (stream) {
                    mode = Mode.STREAM;
                    translator = target.adapter().streamTranslator(request);
                } else {
                    mode = Mode.UNARY;
                    body.expect(contentLength(headers));
                }
            }

            @Override
            public void onBody(ByteBuffer bytes) {
                if (done) {
                    return;
                }
                if (mode == Mode.STREAM) {
                    try {
                        translator.feed(bytes, this);
                    } catch (RuntimeException e) {
                        unreadable(e);
                        return;
                    }
                    if (!done && translator.ended()) {
                        endStream();
                        if (paused && call != null) {
                            paused = false;
                            call.resume();   // the transport reads the rest of the body to reuse the connection
                        }
                        return;
                    }
                    if (started && !done && !paused && !sink.isWritable()) {
                        paused = true;
                        if (call != null) {
                            call.pause();
                        }
                        sink.onWritable(this::resumeReading);
                    }
                } else if (mode == Mode.UNARY || body.size() < MAX_ERROR_BODY) {
                    body.append(bytes);
                }
            }

            private static long contentLength(Headers headers) {
                String declared = headers.get("content-length");
                try {
                    return declared == null ? -1 : Long.parseLong(declared.trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }

            private void resumeReading() {
                if (done || !paused) {
                    return;
                }
                paused = false;
                if (call != null) {
                    call.resume();
                }
            }

            @Override
            public void onEnd() {
                if (done) {
                    return;
                }
                ended = true;
                switch (mode) {
                    case ERROR -> {
                        GatewayError error;
                        try {
                            error = target.adapter().toError(status, headers, body.toByteArray());
                        } catch (RuntimeException e) {
                            log.warn("provider {} could not read its error answer ({}) for {}", target.provider(), status, ex.requestId(), e);
                            error = GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, "Upstream '" + target.provider() + "' answered " + status + ".",
                                    status >= 500 ? FailureClass.SERVER_ERROR : FailureClass.CLIENT_ERROR, null);
                        }
                        failBeforeStart(error);
                    }
                    case UNARY -> {
                        GatewayResponse response;
                        try {
                            response = target.adapter().fromUpstream(request, status, headers, body.toByteArray());
                        } catch (RuntimeException e) {
                            unreadable(e);
                            return;
                        }
                        long latency = settle("success", null);
                        finished = true;
                        routeHeaders();
                        try {
                            sink.unary(response);
                        } finally {
                            // the client's answer first: the breaker and the meters do not change it
                            account(Outcome.SUCCESS, latency, "success", latency);
                            target.state().recordLatency(latency, ticker.read());
                        }
                    }
                    case STREAM -> {
                        try {
                            translator.end(this);
                        } catch (RuntimeException e) {
                            unreadable(e);
                            return;
                        }
                        if (done) {
                            return;   // the translator reported an error
                        }
                        endStream();
                    }
                }
            }

            /** The stream is over: at the vendor's terminal event, or at the body's end for formats without one. */
            private void endStream() {
                if (!started) {
                    failBeforeStart(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                            "Upstream '" + target.provider() + "' ended its stream without sending anything.", FailureClass.SERVER_ERROR, null));
                    return;
                }
                long waited = settle("success", null);
                finished = true;
                try {
                    sink.streamEnd();
                } finally {
                    account(Outcome.SUCCESS, firstTokenLatency, "success", waited);
                }
            }

            @Override
            public void onFailure(UpstreamFailure failure) {
                if (done) {
                    return;
                }
                ended = true;
                GatewayError error = failure.toError(target.provider());
                if (started) {
                    failAfterStart(error);
                } else {
                    failBeforeStart(error);
                }
            }

            @Override
            public void chunk(StreamChunk chunk) {
                if (done) {
                    return;
                }
                if (!started) {
                    started = true;
                    long now = ticker.read();
                    firstTokenLatency = now - sentNanos;
                    target.state().recordLatency(firstTokenLatency, now);
                    long ttft = now - ex.record().startNanos();
                    ex.record().firstTokenNanos(ttft);
                    metrics.timeToFirstToken(target.provider(), ttft);
                    routeHeaders();
                    sink.streamStart(GatewayResponse.streaming(status, MutableHeaders.of("content-type", "text/event-stream")));
                }
                sink.chunk(chunk);
            }

            @Override
            public void error(GatewayError error) {
                if (done) {
                    return;
                }
                if (started) {
                    failAfterStart(error);
                } else {
                    failBeforeStart(error);
                }
            }

            private void unreadable(RuntimeException e) {
                GatewayError error;
                if (e instanceof GatewayException ge) {
                    error = ge.error();   // the adapter classified it itself
                } else {
                    log.warn("provider {} sent an answer the adapter could not read for {}", target.provider(), ex.requestId(), e);
                    error = GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                            "Upstream '" + target.provider() + "' sent an answer the gateway could not read.", FailureClass.SERVER_ERROR, null);
                }
                if (started) {
                    failAfterStart(error);
                } else {
                    failBeforeStart(error);
                }
            }

            private void failBeforeStart(GatewayError error) {
                stopCall();
                complete(Outcome.of(error.failure()), ticker.read() - sentNanos, outcome(error.failure()), error);
                attemptFailed(this, error);
            }

            private void failAfterStart(GatewayError error) {
                stopCall();
                complete(Outcome.of(error.failure()), ticker.read() - sentNanos, outcome(error.failure()), error);
                finished = true;
                sink.fail(error);
            }

            /** The client left: stop reading, count nothing against the target. */
            void abort() {
                stopCall();
                complete(Outcome.NEUTRAL, 0, "cancelled", null);
            }

            private void stopCall() {
                if (!ended) {
                    if (call != null) {
                        call.cancel();
                    } else {
                        cancelOnAttach = true;
                    }
                }
                ended = true;
            }

            private void complete(Outcome outcome, long breakerNanos, String metricOutcome, @Nullable GatewayError error) {
                account(outcome, breakerNanos, metricOutcome, settle(metricOutcome, error));
            }

            /**
             * Ends the attempt for the request: later transport callbacks are ignored, and what the access log
             * and the trace read of it is set. Returns the nanoseconds spent upstream.
             */
            private long settle(String metricOutcome, @Nullable GatewayError error) {
                done = true;
                long waited = ticker.read() - sentNanos;
                ex.record().addUpstreamNanos(waited);
                if (observed != null) {
                    observed.attemptEnded(status, metricOutcome, error);
                }
                return waited;
            }

            /** Ends the attempt for the target: its breaker and concurrency slot, and the attempt meters. */
            private void account(Outcome outcome, long breakerNanos, String metricOutcome, long waited) {
                metrics.upstreamDuration(target.provider(), waited);
                metrics.attempt(target.provider(), metricOutcome);
                release(target, outcome, breakerNanos);
            }
        }
    }

    /** How an attempt counts for its target's breaker. */
    private enum Outcome {
        SUCCESS, FAILURE, NEUTRAL;

        static Outcome of(FailureClass failure) {
            return switch (failure) {
                case SERVER_ERROR, TIMEOUT, CONNECTION, AUTH -> FAILURE;
                // a 429 is handled by the cooldown; a bad request says nothing about the target's health
                case RATE_LIMIT, CLIENT_ERROR, CONTEXT_LENGTH, NONE -> NEUTRAL;
            };
        }
    }

    private static void release(Target t, Outcome outcome, long nanos) {
        t.state().exit();
        switch (outcome) {
            case SUCCESS -> t.state().breaker().onSuccess(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            case FAILURE -> t.state().breaker().onError(Math.max(0, nanos), TimeUnit.NANOSECONDS, UPSTREAM_FAILED);
            case NEUTRAL -> t.state().breaker().releasePermission();
        }
    }
}
