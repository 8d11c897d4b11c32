package io.tollgate.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.tollgate.core.filter.Ticker;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The semantic cache's vectors, in memory: per context (scope, alias, embedding model and the
 * conversation before the last user turn) a bucket of unit vectors, each pointing at the exact-cache
 * key of the answer it stands for. A lookup is an exact scan of one bucket (cosine = dot product of
 * unit vectors), which is bounded by {@code maxPerContext}: no approximate index, so no recall lost,
 * and at the bounded size it is cheap (see docs/caching.md for the measured cost).
 *
 * <p>Caffeine owns the entries' life: each expires after its own TTL and the whole index is bounded
 * by bytes and entries at once (as {@link MemoryResponseCache} is); its removal listener takes the
 * vector out of its bucket. A full bucket drops its oldest vector. Thread-safe: buckets are locked
 * one at a time, and no lock is held while calling Caffeine.
 */
public final class SemanticIndex {

    /** The most similar live vector of a context, and the exact-cache key of its answer. */
    public record Nearest(long id, double similarity, String answerKey) {}

    /** What Caffeine tracks per vector: where it lives and what it weighs. */
    private record Entry(String context, int bytes, long ttlNanos) {}

    /** Fixed per-vector overhead on top of 4 bytes per dimension: the slot's id, expiry and key. */
    private static final int SLOT_OVERHEAD = 96;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Cache<Long, Entry> entries;
    private final Ticker ticker;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long minWeight;
    private volatile int maxPerContext;

    public SemanticIndex(long maxBytes, int maxEntries, int maxPerContext, Ticker ticker) {
        this.ticker = ticker;
        this.minWeight = Math.max(1, maxBytes / maxEntries);
        this.maxPerContext = maxPerContext;
        this.entries = Caffeine.newBuilder()
                .ticker(ticker::read)
                .maximumWeight(maxBytes)
                .weigher((Long id, Entry e) -> (int) Math.min(Integer.MAX_VALUE, Math.max(minWeight, e.bytes)))
                .expireAfter(new Expiry<Long, Entry>() {
                    @Override public long expireAfterCreate(Long id, Entry e, long now) { return e.ttlNanos; }
                    @Override public long expireAfterUpdate(Long id, Entry e, long now, long current) { return e.ttlNanos; }
                    @Override public long expireAfterRead(Long id, Entry e, long now, long current) { return current; }
                })
                .removalListener((Long id, Entry e, RemovalCause cause) -> {
                    if (id != null && e != null) {
                        bytes.addAndGet(-e.bytes);
                        removeFromBucket(e.context, id);
                    }
                })
                .executor(Runnable::run)
                .build();
    }

    /** A reload may change the bounds; vectors stay (a smaller per-context bound applies to buckets that fill up again). */
    public void resize(long maxBytes, int maxEntries, int maxPerContext) {
        this.minWeight = Math.max(1, maxBytes / maxEntries);
        this.maxPerContext = maxPerContext;
        entries.policy().eviction().ifPresent(e -> e.setMaximum(maxBytes));
    }

    /** The most similar live vector stored for {@code context}, or null when there is none. */
    public @Nullable Nearest nearest(String context, float[] unit) {
        Bucket b = buckets.get(bucketKey(context, unit));
        return b == null ? null : b.nearest(unit, ticker.read());
    }

    /** How many vectors of {@code dims} dimensions a lookup in {@code context} compares against. */
    public int size(String context, int dims) {
        Bucket b = buckets.get(context + '#' + dims);
        return b == null ? 0 : b.size;
    }

    /** Remembers that {@code unit} (a unit vector) is answered by the exact-cache entry {@code answerKey}. */
    public void put(String context, float[] unit, String answerKey, Duration ttl) {
        String bucketKey = bucketKey(context, unit);
        long id = ids.incrementAndGet();
        long ttlNanos = ttl.toNanos();
        int cap = maxPerContext;
        long[] displaced = {-1};
        buckets.compute(bucketKey, (k, b) -> {
            Bucket bucket = b != null ? b : new Bucket(unit.length);
            displaced[0] = bucket.add(id, unit, answerKey, ticker.read() + ttlNanos, cap);
            return bucket;
        });
        Entry e = new Entry(bucketKey, unit.length * Float.BYTES + answerKey.length() + SLOT_OVERHEAD, ttlNanos);
        bytes.addAndGet(e.bytes);
        entries.put(id, e);
        if (displaced[0] >= 0) {
            entries.invalidate(displaced[0]);
        }
    }

    /** Vectors of another length (the embedding model changed) land in another bucket: they cannot be compared. */
    private static String bucketKey(String context, float[] unit) {
        return context + '#' + unit.length;
    }

    /** Forgets one vector (its answer is gone from the exact cache). */
    public void remove(long id) {
        entries.invalidate(id);
    }

    /** Drops every vector ({@code DELETE /admin/cache}); returns how many there were. */
    public long clear() {
        long n = entries();
        entries.invalidateAll();
        entries.cleanUp();
        buckets.clear();
        return n;
    }

    public long entries() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Number of contexts with at least one vector. */
    int contexts() {
        return buckets.size();
    }

    private void removeFromBucket(String context, long id) {
        buckets.computeIfPresent(context, (k, b) -> b.remove(id) && b.size == 0 ? null : b);
    }

    /**
     * The vectors of one context, row after row in one array so a scan reads memory in order. Removal
     * moves the last row into the hole; the oldest row (smallest id) is found by a scan when full.
     */
    private static final class Bucket {
        final int dims;
        private float[] data;
        private long[] ids;
        private long[] expires;
        private String[] keys;
        volatile int size;   // read without the lock by size(): a hint for where to scan

        Bucket(int dims) {
            this.dims = dims;
            int capacity = 4;
            this.data = new float[capacity * dims];
            this.ids = new long[capacity];
            this.expires = new long[capacity];
            this.keys = new String[capacity];
        }

        synchronized @Nullable Nearest nearest(float[] q, long now) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < size; i++) {
                if (expires[i] - now <= 0) {
                    continue;   // expired, not yet swept by Caffeine
                }
                float s = dot(q, data, i * dims, dims);
                if (s > bestScore) {
                    bestScore = s;
                    best = i;
                }
            }
            return best < 0 ? null : new Nearest(ids[best], Math.min(1.0, bestScore), keys[best]);
        }

        /** Adds a row; returns the id it displaced (same answer key, or the oldest when full), or -1. */
        synchronized long add(long id, float[] v, String key, long expiresAt, int cap) {
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(key)) {
                    long old = ids[i];
                    set(i, id, v, key, expiresAt);
                    return old;
                }
            }
            if (size >= cap) {
                int oldest = 0;
                for (int i = 1; i < size; i++) {
                    if (ids[i] < ids[oldest]) {
                        oldest = i;
                    }
                }
                long old = ids[oldest];
                set(oldest, id, v, key, expiresAt);
                return old;
            }
            if (size == ids.length) {
                grow(Math.min(Math.max(cap, 4), size * 2));
            }
            set(size++, id, v, key, expiresAt);
            return -1;
        }

        synchronized boolean remove(long id) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
                    int last = --size;
                    if (i != last) {
                        System.arraycopy(data, last * dims, data, i * dims, dims);
                        ids[i] = ids[last];
                        expires[i] = expires[last];
                        keys[i] = keys[last];
                    }
                    keys[last] = null;
                    if (size > 4 && size < ids.length / 4) {
                        grow(ids.length / 2);   // give memory back once most rows are gone
                    }
                    return true;
                }
            }
            return false;
        }

        private void set(int i, long id, float[] v, String key, long expiresAt) {
            System.arraycopy(v, 0, data, i * dims, dims);
            ids[i] = id;
            expires[i] = expiresAt;
            keys[i] = key;
        }

        private void grow(int capacity) {
            data = Arrays.copyOf(data, capacity * dims);
            ids = Arrays.copyOf(ids, capacity);
            expires = Arrays.copyOf(expires, capacity);
            keys = Arrays.copyOf(keys, capacity);
        }
    }

    /** Dot product with four independent sums, which the JIT can pipeline (a single sum is one long dependency chain). */
    static float dot(float[] q, float[] data, int offset, int dims) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < dims; i += 4) {
            s0 += q[i] * data[offset + i];
            s1 += q[i + 1] * data[offset + i + 1];
            s2 += q[i + 2] * data[offset + i + 2];
            s3 += q[i + 3] * data[offset + i + 3];
        }
        for (; i < dims; i++) {
            s0 += q[i] * data[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code v} scaled to length 1 (so cosine similarity is a dot product), or null for a zero or non-finite vector. */
    public static float @Nullable [] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (!(norm > 0) || Double.isInfinite(norm)) {
            return null;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}
