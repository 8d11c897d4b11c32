package io.tollgate.core.state;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's Redis ({@code REDIS_URL}, default {@code redis://127.0.0.1:6379}). Tests skip when it
 * is unreachable, except under {@code CI}, where they fail. Each test uses a fresh key prefix.
 */
public final class RedisTestSupport {

    public static final String URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    /** Nothing listens here: "Redis is down". */
    public static final String DEAD_URL = "redis://127.0.0.1:1";

    private RedisTestSupport() {}

    public static void requireRedis() {
        RedisURI uri = RedisURI.create(URL);
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("Redis at " + URL + " is unreachable and CI is set", e);
            }
            Assumptions.abort("Redis at " + URL + " is unreachable: " + e.getMessage());
        } finally {
            client.shutdown();
        }
    }

    public static String uniquePrefix() {
        return "tollgate-test:" + UUID.randomUUID() + ":";
    }

    /** Deletes the test's keys. */
    public static void cleanUp(String prefix) {
        RedisClient client = RedisClient.create(URL);
        try (var c = client.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }
}
