package io.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caffeine, bounded by bytes and by entries at once: each entry weighs its body's size but at
 * least {@code maxBytes / maxEntries}, so neither bound can be exceeded (Caffeine allows one
 * maximum). Each entry expires after its own TTL ({@code x-gateway-cache: ttl=N}). Entries are held
 * as they were stored (the body as bytes), so a hit costs a lookup and nothing else.
 */
public final class MemoryResponseCache implements ResponseCache {

    private record Entry(CachedAnswer answer, long ttlNanos) {}

    private final Cache<String, Entry> cache;
    private final AtomicLong bytes = new AtomicLong();
    private volatile long minWeight;

    public MemoryResponseCache(long maxBytes, int maxEntries, Ticker ticker) {
        this.minWeight = Math.max(1, maxBytes / maxEntries);
        this.cache = Caffeine.newBuilder()
                .ticker(ticker)
                .maximumWeight(maxBytes)
                .weigher((String k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, Math.max(minWeight, e.answer.size() + k.length())))
                .expireAfter(new Expiry<String, Entry>() {
                    @Override public long expireAfterCreate(String k, Entry e, long now) { return e.ttlNanos; }
                    @Override public long expireAfterUpdate(String k, Entry e, long now, long current) { return e.ttlNanos; }
                    @Override public long expireAfterRead(String k, Entry e, long now, long current) { return current; }
                })
                .removalListener((String k, Entry e, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
                    if (e != null) bytes.addAndGet(-e.answer.size());
                })
                .executor(Runnable::run)
                .build();
    }

    /** A reload may change the bounds; entries stay. */
    public void resize(long maxBytes, int maxEntries) {
        minWeight = Math.max(1, maxBytes / maxEntries);
        cache.policy().eviction().ifPresent(e -> e.setMaximum(maxBytes));
    }

    @Override
    public CompletionStage<Optional<CachedAnswer>> get(String key) {
        Entry e = cache.getIfPresent(key);
        return CompletableFuture.completedFuture(e == null ? Optional.empty() : Optional.of(e.answer));
    }

    @Override
    public void put(String key, CachedAnswer answer, Duration ttl) {
        Entry e = new Entry(answer, ttl.toNanos());
        bytes.addAndGet(answer.size());
        cache.put(key, e);
    }

    /** Drops every entry ({@code DELETE /admin/cache}); returns how many there were. */
    public long clear() {
        long n = entries();
        cache.invalidateAll();
        cache.cleanUp();
        return n;
    }

    @Override
    public long entries() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public long bytes() {
        return bytes.get();
    }
}
