package io.tollgate.core.filter;

import io.micrometer.core.instrument.Timer;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.FilterSettings;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.StreamChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the filters of one config version over a request, then the {@link Terminal}, then the
 * response hooks in reverse. Built once per config version and swapped whole on reload; requests
 * in flight finish on the chain they started with.
 *
 * <p>Completed stages are handled inline (the fast path for nearly every filter); an incomplete one
 * resumes the chain on the request's event loop. The runner times every filter
 * ({@code gateway.filter.duration{filter}}), so filters do not time themselves; it records those
 * times when the request completes, after the answer is written, so the timers stay off the
 * request's path.
 */
public final class FilterChain {

    private static final Logger log = LoggerFactory.getLogger(FilterChain.class);

    /** One filter in place, with its settings and meter. */
    public record Entry(String type, int order, GatewayFilter filter, Timer timer, FilterSettings settings) {
        public Entry {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(filter, "filter");
        }
    }

    private final Entry[] entries;
    private final Terminal terminal;
    private final RequestObserver[] observers;

    public FilterChain(List<Entry> entries, Terminal terminal, List<RequestObserver> observers) {
        this.entries = entries.stream().sorted(Comparator.comparingInt(Entry::order)).toArray(Entry[]::new);
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.observers = observers.toArray(RequestObserver[]::new);
    }

    /**
     * Builds the chain for {@code config}: every factory that is enabled and returns a filter, in
     * order ({@code filters.<type>.order} and {@code .enabled} override the factory's defaults).
     */
    public static FilterChain build(GatewayConfig config, List<FilterFactory> factories, FilterServices services,
                                    Terminal terminal, List<RequestObserver> observers) {
        List<Entry> entries = new ArrayList<>();
        for (FilterFactory factory : factories) {
            FilterSettings settings = settings(config, factory);
            if (!settings.enabled()) {
                continue;
            }
            GatewayFilter filter = factory.create(config, services);
            if (filter == null) {
                continue;
            }
            int order = settings.order() != null ? settings.order() : factory.order();
            Timer timer = Timer.builder("gateway.filter.duration")
                    .description("Time each filter spends on the request path")
                    .tag("filter", factory.type())
                    .register(services.meterRegistry());
            entries.add(new Entry(factory.type(), order, filter, timer, settings));
        }
        return new FilterChain(entries, terminal, observers);
    }

    /**
     * The problems {@link #build} would meet in {@code config}: each enabled factory's {@link FilterFactory#check},
     * in factory order. A disabled filter is not built, so its settings cannot stop a start either.
     */
    public static List<ConfigProblem> check(GatewayConfig config, List<FilterFactory> factories) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (FilterFactory factory : factories) {
            if (settings(config, factory).enabled()) {
                problems.addAll(factory.check(config));
            }
        }
        return problems;
    }

    private static FilterSettings settings(GatewayConfig config, FilterFactory factory) {
        return config.filters().getOrDefault(factory.type(), FilterSettings.DEFAULT);
    }

    /**
     * This chain with only the filters of {@code types}: the same filter instances, meters, terminal
     * and observers. The chain {@link GatewayClient} requests run through.
     */
    public FilterChain only(Set<String> types) {
        return new FilterChain(Arrays.stream(entries).filter(e -> types.contains(e.type())).toList(), terminal,
                List.of(observers));
    }

    /** The filter types in chain order (for the admin API and logs). */
    public List<String> types() {
        List<String> types = new ArrayList<>(entries.length);
        for (Entry e : entries) {
            types.add(e.type());
        }
        return types;
    }

    /** The first filter's objection to a request refused before the chain runs; see {@link GatewayFilter#checkHeaders}. */
    public @Nullable GatewayError checkHeaders(Headers requestHeaders) {
        for (Entry e : entries) {
            GatewayError objection = e.filter().checkHeaders(requestHeaders);
            if (objection != null) {
                return objection;
            }
        }
        return null;
    }

    /** Runs the request. Call on {@link Exchange#eventLoop()}; answers go to {@code client}. */
    public void execute(Exchange ex, ResponseSink client) {
        Run run = new Run(ex, client);
        ex.onCancel(() -> run.complete(Completion.CANCELLED));
        ex.onAbort(run::fail);
        run.resume(0);
    }

    /** One request's pass: the position in the chain, the hooks collected so far, whether it ended. */
    private final class Run implements ResponseSink {

        private final Exchange ex;
        private final ResponseSink client;
        private final ResponseHook[] hooks = new ResponseHook[entries.length];
        private int hookCount;
        /** Each filter's time on this request, recorded to its timer at {@link #complete}; -1 for a filter that has not run. */
        private final long[] filterNanos = new long[entries.length];
        /** Per hook, where its stream chunks go: built at the first chunk. */
        private Out @Nullable [] outs;
        private boolean done;

        Run(Exchange ex, ResponseSink client) {
            this.ex = ex;
            this.client = client;
            Arrays.fill(filterNanos, -1);
        }

        void resume(int from) {
            long start = ex.ticker().read(); // then each filter's end is the next one's start: one clock read per filter
            for (int i = from; i < entries.length; i++) {
                if (done) {
                    return;
                }
                Entry entry = entries[i];
                CompletableFuture<FilterDecision> future;
                try {
                    future = entry.filter().onRequest(ex).toCompletableFuture();
                } catch (RuntimeException e) {
                    timed(i, ex.ticker().read() - start);
                    onFilterError(entry, e);
                    return;
                }
                if (!future.isDone()) {
                    resumeLater(i, entry, future, start);
                    return;
                }
                long end = ex.ticker().read();
                timed(i, end - start);
                start = end;
                FilterDecision decision;
                try {
                    decision = future.join();
                } catch (CompletionException | java.util.concurrent.CancellationException e) {
                    onFilterError(entry, e.getCause() != null ? e.getCause() : e);
                    return;
                }
                if (!apply(entry, decision)) {
                    return;
                }
            }
            if (done) {
                return;
            }
            try {
                terminal.handle(ex, this);
            } catch (RuntimeException e) {
                onFilterError(null, e);
            }
        }

        private void resumeLater(int index, Entry entry, CompletableFuture<FilterDecision> future, long start) {
            CompletionStage<FilterDecision> stage = entry.settings().timeout() == null ? future
                    : future.orTimeout(entry.settings().timeout().toNanos(), TimeUnit.NANOSECONDS);
            stage.whenComplete((decision, error) -> ex.eventLoop().execute(() -> {
                timed(index, ex.ticker().read() - start);
                if (done) {
                    return;
                }
                if (error != null) {
                    onFilterError(entry, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                } else if (apply(entry, decision)) {
                    resume(index + 1);
                }
            }));
        }

        /** Filter {@code i} took {@code nanos}: kept for {@link #complete}, or recorded now if the request already ended. */
        private void timed(int i, long nanos) {
            if (done) {
                entries[i].timer().record(nanos, TimeUnit.NANOSECONDS);
            } else {
                filterNanos[i] = nanos;
            }
        }

        /** Returns true to go on with the next filter. */
        private boolean apply(Entry entry, FilterDecision decision) {
            switch (decision) {
                case FilterDecision.Proceed p -> {
                    if (p.hook() != ResponseHook.NONE) {
                        hooks[hookCount++] = p.hook();
                    }
                    return true;
                }
                case FilterDecision.Respond r -> {
                    if (r.response().isStreaming()) {
                        streamStart(r.response());
                        for (StreamChunk c : r.chunks()) {
                            chunk(c);
                        }
                        streamEnd();
                    } else {
                        unary(r.response());
                    }
                    return false;
                }
                case FilterDecision.Reject j -> {
                    fail(j.error());
                    return false;
                }
                case null -> {
                    onFilterError(entry, new NullPointerException("filter returned a null decision"));
                    return false;
                }
            }
        }

        private void onFilterError(@Nullable Entry entry, Throwable error) {
            if (error instanceof GatewayException ge) {
                fail(ge.error());
                return;
            }
            String where = entry == null ? "router" : "filter '" + entry.type() + "'";
            if (entry != null && entry.settings().failOpen() && !done) {
                log.warn("{} failed open on request {}: {}", where, ex.requestId(), error.toString());
                int next = indexOf(entry) + 1;
                ex.eventLoop().execute(() -> resume(next));
                return;
            }
            log.error("{} failed on request {}", where, ex.requestId(), error);
            fail(GatewayError.internal(where));
        }

        private int indexOf(Entry entry) {
            for (int i = 0; i < entries.length; i++) {
                if (entries[i] == entry) {
                    return i;
                }
            }
            return entries.length;
        }

        // ---- the response path: hooks in reverse, then the client ----

        @Override
        public void unary(GatewayResponse response) {
            if (done) {
                return;
            }
            onResponseHooks(response);
            if (done) {
                return; // a hook aborted the answer (an output guardrail): the client got the error instead
            }
            client.unary(response);
            complete(Completion.SUCCESS);
        }

        @Override
        public void streamStart(GatewayResponse head) {
            if (done) {
                return;
            }
            onResponseHooks(head);
            if (done) {
                return;
            }
            client.streamStart(head);
        }

        /**
         * Every hook sees the head (and a unary body) before the client does, innermost first. A hook
         * may {@link Exchange#abort} here; the hooks after it then only hear {@code onComplete}.
         */
        private void onResponseHooks(GatewayResponse response) {
            for (int i = hookCount - 1; i >= 0 && !done; i--) {
                try {
                    hooks[i].onResponse(ex, response);
                } catch (RuntimeException e) {
                    logHookError(e);
                }
            }
            if (!done) {
                ex.record().status(response.status());
            }
        }

        @Override
        public void chunk(StreamChunk chunk) {
            deliver(hookCount - 1, chunk);
        }

        /**
         * Hands {@code chunk} to hook {@code i} and what it sends on to the hooks outside it, then the client.
         * Usage-only chunks go on too: the client's encoder decides (OpenAI's drops them, Anthropic's folds
         * their usage into its closing message_delta).
         */
        private void deliver(int i, StreamChunk chunk) {
            if (done) {
                return;
            }
            if (i < 0) {
                client.chunk(chunk);
                return;
            }
            Out out = out(i);
            long sent = out.sent;
            try {
                hooks[i].onChunk(ex, chunk, out);
            } catch (RuntimeException e) {
                logHookError(e);
                if (out.sent == sent) {
                    deliver(i - 1, chunk); // a broken hook does not cut the stream
                }
            }
        }

        /** Where hook {@code i} sends chunks: on to hook {@code i - 1}. Built once per stream, not per chunk. */
        private Out out(int i) {
            if (outs == null) {
                outs = new Out[hookCount];
                for (int k = 0; k < hookCount; k++) {
                    outs[k] = new Out(k - 1);
                }
            }
            return outs[i];
        }

        private final class Out implements Consumer<StreamChunk> {
            private final int next;
            private long sent;

            Out(int next) {
                this.next = next;
            }

            @Override
            public void accept(StreamChunk chunk) {
                sent++;
                deliver(next, chunk);
            }
        }

        @Override
        public void streamEnd() {
            for (int i = hookCount - 1; i >= 0 && !done; i--) {
                try {
                    hooks[i].onStreamEnd(ex, out(i));
                } catch (RuntimeException e) {
                    logHookError(e);
                }
            }
            if (done) {
                return;
            }
            client.streamEnd();
            complete(Completion.SUCCESS);
        }

        @Override
        public void fail(GatewayError error) {
            if (done) {
                return;
            }
            ex.record().status(error.status());
            ex.record().errorCode(error.code());
            client.fail(error);
            complete(Completion.error(error));
        }

        @Override
        public boolean isWritable() {
            return client.isWritable();
        }

        @Override
        public void onWritable(Runnable resume) {
            client.onWritable(resume);
        }

        void complete(Completion completion) {
            if (done) {
                return;
            }
            done = true;
            ex.record().end(ex.ticker().read());
            for (int i = 0; i < entries.length; i++) {
                if (filterNanos[i] >= 0) {
                    entries[i].timer().record(filterNanos[i], TimeUnit.NANOSECONDS);
                }
            }
            for (int i = hookCount - 1; i >= 0; i--) {
                try {
                    hooks[i].onComplete(ex, completion);
                } catch (RuntimeException e) {
                    logHookError(e);
                }
            }
            for (RequestObserver observer : observers) {
                try {
                    observer.onComplete(ex, completion);
                } catch (RuntimeException e) {
                    log.error("request observer failed on request {}", ex.requestId(), e);
                }
            }
        }

        private void logHookError(RuntimeException e) {
            log.error("response hook failed on request {}", ex.requestId(), e);
        }
    }
}
