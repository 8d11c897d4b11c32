package io.tollgate.core.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers in Redis ({@code state.redis}), shared by every replica: {@code SET key value PX ttl}.
 * Never on the request's critical path for long: commands time out after {@code timeout}, and any
 * error (Redis down, timeout, bad value) is a miss or a dropped store, logged at most every 30 s.
 * While disconnected it reconnects in the background, at most once per 5 s.
 */
public final class RedisResponseCache implements ResponseCache, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisResponseCache.class);
    private static final long RECONNECT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RedisClient client;
    private final RedisURI uri;
    private final String prefix;
    private final Duration timeout;
    private volatile CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connection;
    private volatile long lastConnectNanos;
    private volatile long lastLogNanos = -LOG_EVERY_NANOS;

    public RedisResponseCache(String url, String prefix, Duration timeout) {
        this.uri = RedisURI.create(url);
        this.uri.setTimeout(timeout);
        this.prefix = prefix;
        this.timeout = timeout;
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(io.lettuce.core.SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        this.connection = connect();
    }

    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
        lastConnectNanos = System.nanoTime();
        return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
    }

    private @Nullable StatefulRedisConnection<byte[], byte[]> ready() {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> c = connection;
        if (c.isDone() && !c.isCompletedExceptionally()) {
            return c.join();
        }
        if (c.isCompletedExceptionally() && System.nanoTime() - lastConnectNanos > RECONNECT_NANOS) {
            synchronized (this) {
                if (connection == c) {
                    connection = connect();
                }
            }
        }
        if (c.isCompletedExceptionally()) {
            c.exceptionally(e -> { warn("connect", e); return null; });
        }
        return null;
    }

    @Override
    public CompletionStage<Optional<CachedAnswer>> get(String key) {
        StatefulRedisConnection<byte[], byte[]> c = ready();
        if (c == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return c.async().get(redisKey(key)).toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(v -> v == null ? Optional.<CachedAnswer>empty() : Optional.of(CachedAnswer.fromBytes(v)))
                .exceptionally(e -> {
                    warn("get", e);
                    return Optional.empty();
                });
    }

    @Override
    public void put(String key, CachedAnswer answer, Duration ttl) {
        StatefulRedisConnection<byte[], byte[]> c = ready();
        if (c == null) {
            return;
        }
        c.async().set(redisKey(key), answer.toBytes(), SetArgs.Builder.px(Math.max(1, ttl.toMillis())))
                .exceptionally(e -> {
                    warn("set", e);
                    return null;
                });
    }

    private byte[] redisKey(String key) {
        return (prefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private void warn(String op, Throwable e) {
        long now = System.nanoTime();
        if (now - lastLogNanos > LOG_EVERY_NANOS) {
            lastLogNanos = now;
            log.warn("redis cache {} failed, serving as a miss: {}", op, e.toString());
        }
    }

    /** True once a connection is up (tests; the cache itself just treats "not yet" as a miss). */
    boolean isConnected() {
        var c = connection;
        return c.isDone() && !c.isCompletedExceptionally() && c.join().isOpen();
    }

    @Override public long entries() { return -1; }
    @Override public long bytes() { return -1; }

    @Override
    public void close() {
        connection.thenAccept(StatefulRedisConnection::close);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
