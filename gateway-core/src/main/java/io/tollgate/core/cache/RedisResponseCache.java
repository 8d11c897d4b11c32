package io.tollgate.core.cache;

import io.tollgate.core.state.RedisState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers in Redis ({@code state.redis}), shared by every replica: {@code SET <prefix><key> <json> PX ttl}
 * on the gateway's one shared {@link RedisState} connection. Commands time out after
 * {@link RedisState#COMMAND_TIMEOUT}; any error (Redis down, timeout, bad value) is a miss or a
 * dropped store, never a failed request, and is logged at most every 30 s.
 */
public final class RedisResponseCache implements ResponseCache {

    private static final Logger log = LoggerFactory.getLogger(RedisResponseCache.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RedisState redis;
    private final String prefix;
    private volatile long lastLogNanos = System.nanoTime() - LOG_EVERY_NANOS;

    public RedisResponseCache(RedisState redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public CompletionStage<Optional<CachedAnswer>> get(String key) {
        CompletableFuture<String> f;
        try {
            f = redis.get(prefix + key).toCompletableFuture();
        } catch (RuntimeException e) {
            warn("get", e);
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return f.orTimeout(RedisState.COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS)
                .thenApply(v -> v == null ? Optional.<CachedAnswer>empty() : Optional.of(CachedAnswer.fromBytes(v.getBytes(StandardCharsets.UTF_8))))
                .exceptionally(e -> {
                    warn("get", e);
                    return Optional.empty();
                });
    }

    @Override
    public void put(String key, CachedAnswer answer, Duration ttl) {
        try {
            redis.setPx(prefix + key, new String(answer.toBytes(), StandardCharsets.UTF_8), ttl.toMillis())
                    .exceptionally(e -> {
                        warn("set", e);
                        return null;
                    });
        } catch (RuntimeException e) {
            warn("set", e);
        }
    }

    private void warn(String op, Throwable e) {
        long now = System.nanoTime();
        if (now - lastLogNanos > LOG_EVERY_NANOS) {
            lastLogNanos = now;
            log.warn("redis cache {} failed, serving as a miss: {}", op, e.toString());
        }
    }

    @Override public long entries() { return -1; }
    @Override public long bytes() { return -1; }
}
