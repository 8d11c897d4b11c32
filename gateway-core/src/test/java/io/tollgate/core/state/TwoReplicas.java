package io.tollgate.core.state;

import java.util.function.BiFunction;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two gateway replicas sharing the test Redis: each its own connection, both under one key prefix of the
 * test's own. Closed, and the test's keys deleted, after each test. Register as an instance field with
 * {@code @RegisterExtension}.
 */
public final class TwoReplicas implements AfterEachCallback {

    /** The same store, one per replica. */
    public record Pair<S>(S a, S b) {}

    private final String prefix = RedisTestSupport.uniquePrefix();
    private RedisState first;
    private RedisState second;

    /**
     * Connects both replicas and makes each its store from its connection and the shared prefix. Skips the
     * test when Redis is unreachable, or fails it under CI ({@link RedisTestSupport#requireRedis}).
     */
    public <S> Pair<S> connect(BiFunction<RedisState, String, S> store) {
        RedisTestSupport.requireRedis();
        first = new RedisState(RedisTestSupport.URL);
        second = new RedisState(RedisTestSupport.URL);
        return new Pair<>(store.apply(first, prefix), store.apply(second, prefix));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (first != null) {
            first.close();
            second.close();
            RedisTestSupport.cleanUp(prefix);
        }
    }
}
