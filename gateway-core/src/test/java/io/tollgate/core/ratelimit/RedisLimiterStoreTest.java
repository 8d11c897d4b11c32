package io.tollgate.core.ratelimit;

import static io.tollgate.core.budget.TestConfigs.config;
import static io.tollgate.core.budget.TestConfigs.limits;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.StateConfig.FailMode;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.state.RedisTestSupport;
import io.tollgate.core.state.TwoReplicas;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLimiterStoreTest {

    @RegisterExtension
    final TwoReplicas redis = new TwoReplicas();

    @Test
    void twoGatewaysEnforceOneRpmLimit() {
        TwoReplicas.Pair<LimiterStore> replicas = redis.connect(RedisLimiterStore::new);
        LimiterStore a = replicas.a();
        LimiterStore b = replicas.b();
        for (int i = 0; i < 5; i++) {
            LimiterStore store = i % 2 == 0 ? a : b;
            LimiterStore.Probe p = store.tryConsume("rpm:key:k", 5, 1).toCompletableFuture().join();
            assertThat(p.allowed()).as("request %d", i + 1).isTrue();
            assertThat(p.remaining()).isEqualTo(4 - i);
        }
        LimiterStore.Probe onA = a.tryConsume("rpm:key:k", 5, 1).toCompletableFuture().join();
        LimiterStore.Probe onB = b.tryConsume("rpm:key:k", 5, 1).toCompletableFuture().join();
        assertThat(onA.allowed()).isFalse();
        assertThat(onB.allowed()).isFalse();
        // one token every 12 s; a few ms have passed since the bucket was first touched
        assertThat(Duration.ofNanos(onB.nanosToWait())).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(12));

        a.adjust("rpm:key:k", 5, -2).toCompletableFuture().join(); // a refund on one gateway is visible on the other
        assertThat(b.tryConsume("rpm:key:k", 5, 2).toCompletableFuture().join().allowed()).isTrue();
    }

    @Test
    void tpmSettlementMayPutTheSharedBucketIntoDebt() {
        TwoReplicas.Pair<LimiterStore> replicas = redis.connect(RedisLimiterStore::new);
        LimiterStore a = replicas.a();
        LimiterStore b = replicas.b();
        assertThat(a.tryConsume("tpm:key:k", 1000, 100).toCompletableFuture().join().remaining()).isEqualTo(900);
        a.adjust("tpm:key:k", 1000, 1500).toCompletableFuture().join(); // the answer was much longer than estimated
        LimiterStore.Probe p = b.tryConsume("tpm:key:k", 1000, 10).toCompletableFuture().join();
        assertThat(p.allowed()).isFalse();
        assertThat(Duration.ofNanos(p.nanosToWait())).isGreaterThan(Duration.ofSeconds(30));
    }

    private static FilterDecision decideWithDeadRedis(FailMode mode, SimpleMeterRegistry registry) {
        return decide(RedisTestSupport.DEAD_URL, mode, registry);
    }

    private static FilterDecision decide(String redisUrl, FailMode mode, SimpleMeterRegistry registry) {
        DefaultFilterServices services = TestFilterServices.of(registry, io.tollgate.core.filter.Ticker.system(), java.time.Clock.systemUTC());
        try {
            GatewayConfig config = config().key("k", null, limits(10, null), null, null).state(redisUrl, mode).build();
            GatewayFilter f = new RateLimitFilterFactory().create(config, services);
            DefaultExchange ex = TestExchange.forKey("k");
            long start = System.nanoTime();
            FilterDecision d = f.onRequest(ex).toCompletableFuture().join();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            return d;
        } finally {
            services.close();
        }
    }

    @Test
    void redisDownFailsOpenAndCountsTheError() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FilterDecision d = decideWithDeadRedis(FailMode.OPEN, registry);
        assertThat(d).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(registry.get("gateway.state.errors").tag("store", "rate-limit").counter().count()).isEqualTo(1);
    }

    @Test
    void aRedisThatAcceptsButNeverAnswersCostsAtMostTheCommandTimeout() throws Exception {
        // the kernel completes the TCP handshake from the backlog; nothing ever reads or answers
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            long start = System.nanoTime();
            FilterDecision d = decide("redis://127.0.0.1:" + silent.getLocalPort(), FailMode.CLOSED, registry);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(d).isInstanceOf(FilterDecision.Reject.class);
            assertThat(millis).isLessThan(1000);
            assertThat(registry.get("gateway.state.errors").tag("store", "rate-limit").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void redisDownFailsClosedWith503() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FilterDecision d = decideWithDeadRedis(FailMode.CLOSED, registry);
        assertThat(d).isInstanceOf(FilterDecision.Reject.class);
        var error = ((FilterDecision.Reject) d).error();
        assertThat(error.status()).isEqualTo(503);
        assertThat(error.code()).isEqualTo("state_unavailable");
        assertThat(error.message()).doesNotContain("redis://");
    }

}
