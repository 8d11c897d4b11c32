package io.tollgate.core.metering;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's BPE tables ({@code o200k_base}, {@code cl100k_base}), loaded once per process on a background
 * thread. Building them parses ~10 MB of ranks (about a second of CPU), which would otherwise delay the
 * first served request and, worse, stall an event loop. Until a table is ready, {@link #o200k()} and
 * {@link #cl100k()} return {@code null} and callers fall back to the ~4-characters-per-token heuristic:
 * an estimate that real usage settles afterwards anyway.
 */
public final class Tokenizers {

    private static final CompletableFuture<Encoding> O200K = new CompletableFuture<>();
    private static final CompletableFuture<Encoding> CL100K = new CompletableFuture<>();

    static {
        // One thread, one table after the other: on a 2-core host, parallel parsing would starve the
        // requests being served meanwhile. The lazy registry parses only what is asked for (the default
        // registry parses all four of jtokkit's encodings).
        Thread.ofPlatform().daemon().name("tollgate-tokenizer").start(() -> {
            EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
            load(registry, EncodingType.O200K_BASE, O200K); // gpt-4o and newer: the common case first
            load(registry, EncodingType.CL100K_BASE, CL100K);
        });
    }

    private Tokenizers() {}

    private static void load(EncodingRegistry registry, EncodingType type, CompletableFuture<Encoding> into) {
        try {
            into.complete(registry.getEncoding(type));
        } catch (Throwable t) {
            into.completeExceptionally(t);
        }
    }

    /** Starts loading (if not started) without waiting: call early at startup. */
    public static void preload() {
        // class initialisation does the work
    }

    /** Blocks until both tables are loaded: for tests and tools that want exact counts, never on an event loop. */
    public static void awaitLoaded() {
        O200K.join();
        CL100K.join();
    }

    static @Nullable Encoding o200k() {
        return O200K.getNow(null);
    }

    static @Nullable Encoding cl100k() {
        return CL100K.getNow(null);
    }
}
