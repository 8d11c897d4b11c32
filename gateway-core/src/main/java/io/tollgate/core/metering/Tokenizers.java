package io.tollgate.core.metering;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's BPE tables ({@code o200k_base}, {@code cl100k_base}), each loaded once per process, on first
 * use, on a background thread. Building one parses several MB of ranks (about a second of CPU), which
 * would otherwise delay the first served request and, worse, stall an event loop; once built, a table
 * stays on the heap for good (o200k: ~25 MB in ~600k objects that every full GC traces), so a table no
 * configured model needs is never built. Until a table is ready, {@link #o200k()} and {@link #cl100k()}
 * return {@code null} and callers fall back to the ~4-characters-per-token heuristic: an estimate that
 * real usage settles afterwards anyway.
 */
public final class Tokenizers {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    /**
     * One thread, one table after the other: on a 2-core host, parallel parsing would starve the requests
     * being served meanwhile. The lazy registry parses only what is asked for (the default registry parses
     * all four of jtokkit's encodings).
     */
    private static final ExecutorService LOADER = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("tollgate-tokenizer").factory());
    private static final Table O200K = new Table(EncodingType.O200K_BASE);
    private static final Table CL100K = new Table(EncodingType.CL100K_BASE);

    private Tokenizers() {}

    /** Blocks until both tables are loaded: for tests and tools that want exact counts, never on an event loop. */
    public static void awaitLoaded() {
        O200K.start().join();
        CL100K.start().join();
    }

    /**
     * At shutdown, after the server stopped: lets a table being built finish (at most {@code max}) and takes
     * no more. The JVM writes its class-data archive at exit on a new jar's first run, and JDK 25 crashed
     * doing so (SIGSEGV in its lambda-proxy lookup) while this thread was still linking classes: a stop
     * within a few seconds of a first start.
     */
    public static void awaitIdle(Duration max) {
        LOADER.shutdown();
        try {
            LOADER.awaitTermination(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static @Nullable Encoding o200k() {
        return O200K.getOrStartLoading();
    }

    static @Nullable Encoding cl100k() {
        return CL100K.getOrStartLoading();
    }

    /** Whether {@code enc} is the o200k table; unlike {@link #o200k()}, never starts building it. */
    static boolean isO200k(Encoding enc) {
        return enc == O200K.ready;
    }

    /** One encoding, built at most once, on {@link #LOADER}. */
    private static final class Table {
        private final EncodingType type;
        private final AtomicReference<@Nullable CompletableFuture<Encoding>> loading = new AtomicReference<>();
        private volatile @Nullable Encoding ready;

        Table(EncodingType type) {
            this.type = type;
        }

        @Nullable Encoding getOrStartLoading() {
            Encoding enc = ready;
            if (enc == null) {
                start();
            }
            return enc;
        }

        CompletableFuture<Encoding> start() {
            CompletableFuture<Encoding> f = loading.get();
            if (f == null && loading.compareAndSet(null, f = new CompletableFuture<>())) {
                CompletableFuture<Encoding> into = f;
                try {
                    LOADER.execute(() -> {
                        try {
                            Encoding enc = REGISTRY.getEncoding(type);
                            ready = enc;
                            into.complete(enc);
                        } catch (Throwable t) {
                            into.completeExceptionally(t);
                        }
                    });
                } catch (RejectedExecutionException e) { // shutting down: the heuristic serves what is left
                    into.completeExceptionally(e);
                }
            }
            return loading.get();
        }
    }
}
