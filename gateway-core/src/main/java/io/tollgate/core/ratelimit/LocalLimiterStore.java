package io.tollgate.core.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.tollgate.core.filter.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process buckets (Bucket4j: lock-free, greedy refill). Lives in {@code services.shared} so the
 * buckets survive reloads; a changed limit reconfigures its bucket (ADDITIVE: raising 2 -> 5 allows 3 more at once; no reset of the window).
 */
public final class LocalLimiterStore implements LimiterStore {

    private static final class Holder {
        final Bucket bucket;
        volatile long perMinute;

        Holder(Bucket bucket, long perMinute) {
            this.bucket = bucket;
            this.perMinute = perMinute;
        }
    }

    private final ConcurrentHashMap<String, Holder> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    /** Buckets timed by {@code ticker} (the services' monotonic ticker; a FakeTicker in tests). */
    public LocalLimiterStore(Ticker ticker) {
        this.time = new TimeMeter() {
            @Override public long currentTimeNanos() { return ticker.read(); }
            @Override public boolean isWallClockBased() { return false; }
        };
    }

    @Override
    public CompletionStage<Probe> tryConsume(String bucket, long perMinute, long amount) {
        ConsumptionProbe p = bucket(bucket, perMinute).tryConsumeAndReturnRemaining(Math.min(amount, perMinute));
        return CompletableFuture.completedFuture(new Probe(p.isConsumed(), p.getRemainingTokens(), p.getNanosToWaitForRefill()));
    }

    @Override
    public CompletionStage<Void> adjust(String bucket, long perMinute, long delta) {
        Bucket b = bucket(bucket, perMinute);
        if (delta > 0) {
            b.consumeIgnoringRateLimits(delta);
        } else if (delta < 0) {
            b.addTokens(-delta);
        }
        return CompletableFuture.completedFuture(null);
    }

    private Bucket bucket(String id, long perMinute) {
        Holder h = buckets.get(id); // before computeIfAbsent, whose capturing lambda would be allocated on every call
        if (h == null) {
            h = buckets.computeIfAbsent(id, k -> new Holder(
                    Bucket.builder().withCustomTimePrecision(time).addLimit(bandwidth(perMinute)).build(), perMinute));
        }
        if (h.perMinute != perMinute) {
            synchronized (h) {
                if (h.perMinute != perMinute) {
                    h.bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(perMinute)).build(),
                            TokensInheritanceStrategy.ADDITIVE);
                    h.perMinute = perMinute;
                }
            }
        }
        return h.bucket;
    }

    private static Bandwidth bandwidth(long perMinute) {
        return Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
    }
}
