package io.tollgate.core.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Token buckets that refill {@code perMinute} tokens evenly over a minute (capacity = perMinute).
 * {@link LocalLimiterStore} keeps them in this process (Bucket4j); {@link RedisLimiterStore} in Redis
 * so every replica draws from the same bucket. Bucket ids are bounded: scope + config id.
 */
public interface LimiterStore {

    /** Takes {@code amount} tokens if the bucket has them; otherwise takes nothing. */
    CompletionStage<Probe> tryConsume(String bucket, long perMinute, long amount);

    /**
     * Settles a bucket after the fact: a positive {@code delta} takes more (the bucket may go into
     * debt), a negative one gives tokens back (never above capacity). Callers on the request path
     * do not wait for it; the stage says when it took effect.
     */
    CompletionStage<Void> adjust(String bucket, long perMinute, long delta);

    /**
     * @param allowed     whether the tokens were taken
     * @param remaining   tokens left after the call
     * @param nanosToWait when rejected, how long until {@code amount} tokens are there
     */
    record Probe(boolean allowed, long remaining, long nanosToWait) {}
}
