package io.tollgate.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.StateConfig;
import org.junit.jupiter.api.Test;

/** {@code state.redis} is parsed the same way by the config check and by the connection, and never echoes a password. */
class RedisStateTest {

    private static StateConfig redis(String url) {
        return new StateConfig(null, url, null, null, null);
    }

    @Test
    void wellFormedUrlsPassWithoutConnecting() {
        for (String url : new String[] {"redis://127.0.0.1:1", "rediss://:secret@cache.internal:6380/2", "redis://[::1]:6379",
                "redis-sentinel://s1:26379,s2:26379?sentinelMasterId=main"}) {
            assertThat(RedisState.check(redis(url))).as(url).isEmpty();
        }
        assertThat(RedisState.check(redis(""))).as("no Redis: everything stays in memory").isEmpty();
    }

    @Test
    void malformedUrlsAreStateRedisProblems() {
        for (String url : new String[] {"localhost:6379", "http://cache:6379", "redis://", "redis://cache:port", "redis://cache:99999",
                "redis://cache/db"}) {
            assertThat(RedisState.check(redis(url))).as(url).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("state.redis");
                assertThat(p.message()).contains("expected: a URL such as redis://host:6379");
            });
        }
    }

    @Test
    void theConnectionRefusesWhatTheCheckRefusesAndNeitherShowsThePassword() {
        assertThatThrownBy(() -> new RedisState("redis://:hunter2@cache:port")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("state.redis: redis://***@cache:port").hasMessageNotContaining("hunter2");
        assertThat(RedisState.check(redis("rediss://admin:hunter2@"))).singleElement()
                .satisfies(p -> assertThat(p.message()).doesNotContain("hunter2"));
    }
}
