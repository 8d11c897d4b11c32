package io.tollgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tollgate.core.model.Json;
import io.tollgate.core.state.RedisState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against the machine's Redis ({@code REDIS_URL}, default redis://127.0.0.1:6379); fails instead of skipping when CI is set. */
class RedisResponseCacheTest {

    static final String URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    static void requireRedis() {
        URI u = URI.create(URL);
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()), 500);
            up = true;
        } catch (IOException e) {
            up = false;
        }
        if (System.getenv("CI") != null) {
            assertThat(up).as("Redis at " + u.getHost() + " must be reachable in CI").isTrue();
        }
        assumeThat(up).as("Redis reachable").isTrue();
    }

    static CachedAnswer answer(String content, double cost) {
        var body = Json.object().put("object", "chat.completion");
        body.putArray("choices").addObject().put("index", 0).putObject("message").put("role", "assistant").put("content", content);
        return CachedAnswer.of(body, cost, "openai", "gpt-4o-mini-2024-07-18");
    }

    static Optional<CachedAnswer> get(ResponseCache c, String key) {
        return c.get(key).toCompletableFuture().join();
    }

    @Test
    void twoInstancesShareEntriesAndTtlApplies() throws Exception {
        requireRedis();
        String prefix = "tollgate-test:" + UUID.randomUUID() + ":";
        try (RedisState sa = new RedisState(URL); RedisState sb = new RedisState(URL)) {
            RedisResponseCache a = new RedisResponseCache(sa, prefix);
            RedisResponseCache b = new RedisResponseCache(sb, prefix);
            awaitConnected(sa);
            awaitConnected(sb);
            assertThat(get(b, "k1")).isEmpty();
            a.put("k1", answer("shared \"answer\"\n", 0.25), Duration.ofSeconds(30));
            a.put("k2", answer("short", 0.1), Duration.ofMillis(200));
            Optional<CachedAnswer> fromB = awaitPresent(b, "k1");
            assertThat(fromB).isPresent();
            assertThat(fromB.get().costUsd()).isEqualTo(0.25);
            assertThat(fromB.get().provider()).isEqualTo("openai");
            assertThat(fromB.get().model()).isEqualTo("gpt-4o-mini-2024-07-18");
            assertThat(fromB.get().json().at("/choices/0/message/content").asText()).isEqualTo("shared \"answer\"\n");
            TimeUnit.MILLISECONDS.sleep(400);
            assertThat(get(b, "k2")).isEmpty();
            RedisResponseCache other = new RedisResponseCache(sb, "tollgate-test:" + UUID.randomUUID() + ":");
            assertThat(get(other, "k1")).as("different prefix, different namespace").isEmpty();
        }
    }

    @Test
    @Timeout(10)
    void redisDownIsAMissNotAnError() {
        // nothing listens on port 1: connecting fails, lookups are misses, stores are dropped
        try (RedisState state = new RedisState("redis://127.0.0.1:1")) {
            RedisResponseCache down = new RedisResponseCache(state, "x:");
            for (int i = 0; i < 3; i++) {
                assertThat(get(down, "k")).isEmpty();
                down.put("k", answer("x", 1), Duration.ofSeconds(1));
            }
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                assertThat(get(down, "k")).isEmpty();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    private static void awaitConnected(RedisState c) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (c.isConnected()) return;
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("not connected to " + URL);
    }

    private static Optional<CachedAnswer> awaitPresent(ResponseCache c, String key) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            Optional<CachedAnswer> a = get(c, key);
            if (a.isPresent()) return a;
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return Optional.empty();
    }
}
