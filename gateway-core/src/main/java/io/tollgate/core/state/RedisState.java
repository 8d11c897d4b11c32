package io.tollgate.core.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.StateConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Lettuce connection to the Redis that holds rate-limit and budget counters shared by every
 * replica. Commands are async (a {@link CompletionStage} the filter chain resumes from) and time out
 * after {@link #COMMAND_TIMEOUT}, so a dead Redis costs a request at most that long, never a hang.
 * Commands issued while disconnected fail at once; a failed first connect is retried at most once a second.
 */
public final class RedisState implements AutoCloseable {

    /** Upper bound a Redis round trip may add to a request before the fail mode decides. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(100);
    private static final long RECONNECT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    private final RedisClient client;
    private final RedisURI uri;
    private final String url;
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection = new AtomicReference<>();
    private final AtomicLong lastConnectAttempt = new AtomicLong();

    public RedisState(String url) {
        this.url = url;
        this.uri = uri(url);
        uri.setTimeout(COMMAND_TIMEOUT);
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        connect();
    }

    /**
     * {@code state.redis} parsed by Lettuce, the parser it connects with. A URL it cannot read is a config error,
     * and so is a {@code redis://} URL without a well-formed host, which Lettuce would accept and then fail to
     * connect to ({@code redis://cache:port} becomes a host named {@code cache:port}). Opens nothing.
     */
    public static RedisURI uri(String url) {
        try {
            RedisURI parsed = RedisURI.create(url);
            URI plain = URI.create(url);
            if (plain.getScheme() != null && plain.getScheme().matches("rediss?") && plain.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("state.redis", redact(url), "a URL such as redis://host:6379 or rediss://:password@host:6380/0");
        }
    }

    /** The problem with {@code state.redis}, if any, found without connecting; empty (no Redis) is fine. */
    public static List<ConfigProblem> check(StateConfig state) {
        return state.redis().isBlank() ? List.of() : ConfigProblem.thrownBy(() -> uri(state.redis()));
    }

    /** A Redis URL may carry a password in its user part: never echo it. */
    static String redact(String url) {
        return url.replaceAll("//[^/@]*@", "//***@");
    }

    /** The URL this state was made for (a changed {@code state.redis} needs a restart). */
    public String url() {
        return url;
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connect() {
        lastConnectAttempt.set(System.nanoTime());
        CompletableFuture<StatefulRedisConnection<String, String>> f =
                client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        connection.set(f);
        return f;
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        CompletableFuture<StatefulRedisConnection<String, String>> f = connection.get();
        if (f.isCompletedExceptionally() && System.nanoTime() - lastConnectAttempt.get() > RECONNECT_INTERVAL_NANOS) {
            synchronized (this) {
                f = connection.get();
                if (f.isCompletedExceptionally() && System.nanoTime() - lastConnectAttempt.get() > RECONNECT_INTERVAL_NANOS) {
                    f = connect();
                }
            }
        }
        return f;
    }

    /**
     * Runs a Lua script atomically (EVAL; scripts are small and few). Fails within the timeout when
     * Redis is unreachable.
     */
    public <T> CompletionStage<T> eval(String script, ScriptOutputType type, List<String> keys, String... args) {
        CompletableFuture<StatefulRedisConnection<String, String>> conn = connection();
        if (!conn.isDone()) {
            // still connecting: do not wait longer than a command would
            conn = conn.orTimeout(COMMAND_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return conn.thenCompose(c -> c.async().<T>eval(script, type, keys.toArray(String[]::new), args));
    }

    /** PING within the timeout ({@code PONG}). Used by the readiness probe. */
    public CompletionStage<String> ping() {
        return ready().thenCompose(c -> c.async().ping());
    }

    /** GET within the timeout; null when absent. Used by the response cache. */
    public CompletionStage<String> get(String key) {
        return ready().thenCompose(c -> c.async().get(key));
    }

    /** SET with a TTL in milliseconds ({@code PX}), within the timeout. Used by the response cache. */
    public CompletionStage<String> setPx(String key, String value, long ttlMillis) {
        return ready().thenCompose(c -> c.async().set(key, value, io.lettuce.core.SetArgs.Builder.px(Math.max(1, ttlMillis))));
    }

    /** True once connected (tests and health). */
    public boolean isConnected() {
        CompletableFuture<StatefulRedisConnection<String, String>> f = connection.get();
        return f.isDone() && !f.isCompletedExceptionally() && f.join().isOpen();
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> ready() {
        CompletableFuture<StatefulRedisConnection<String, String>> conn = connection();
        return conn.isDone() ? conn : conn.orTimeout(COMMAND_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        CompletableFuture<StatefulRedisConnection<String, String>> f = connection.get();
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
            f.join().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
