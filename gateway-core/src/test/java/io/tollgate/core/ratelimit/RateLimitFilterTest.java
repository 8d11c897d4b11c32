package io.tollgate.core.ratelimit;

import static io.tollgate.core.budget.TestConfigs.config;
import static io.tollgate.core.budget.TestConfigs.limits;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.state.StateFailures;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitFilterTest {

    private final FakeTicker ticker = new FakeTicker();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DefaultFilterServices services = TestFilterServices.of(registry, ticker, new MutableClock(Instant.parse("2026-01-15T12:00:00Z")));

    @AfterEach
    void close() {
        services.close();
    }

    private GatewayFilter filter(GatewayConfig config) {
        return new RateLimitFilterFactory().create(config, services);
    }

    private DefaultExchange request(String key, String team, String model, Integer maxTokens) {
        ObjectNode body = Json.object().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "hello there");
        if (maxTokens != null) {
            body.put("max_tokens", maxTokens);
        }
        DefaultExchange ex = TestExchange.of(GatewayRequest.of(ApiKind.CHAT_COMPLETIONS, body), MutableHeaders.of(), ticker);
        ex.principal(new Principal(key, team, List.of(), Map.of()));
        return ex;
    }

    private FilterDecision decide(GatewayFilter f, DefaultExchange ex) {
        return f.onRequest(ex).toCompletableFuture().join();
    }

    @Test
    void rpmAllowsExactlyTheLimitThenRejectsUntilTheWindowRefills() {
        GatewayFilter f = filter(config().key("k1", null, limits(3, null), null, null).build());
        for (int i = 0; i < 3; i++) {
            DefaultExchange ex = request("k1", null, "chat", null);
            assertThat(decide(f, ex)).isInstanceOf(FilterDecision.Proceed.class);
            assertThat(ex.responseHeaders().get("x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(2 - i));
            assertThat(ex.responseHeaders().get("x-ratelimit-limit-requests")).isEqualTo("3");
        }
        DefaultExchange fourth = request("k1", null, "chat", null);
        FilterDecision d = decide(f, fourth);
        assertThat(d).isInstanceOf(FilterDecision.Reject.class);
        var error = ((FilterDecision.Reject) d).error();
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.message()).contains("key 'k1'").contains("rpm").contains("3 requests per minute");
        assertThat(fourth.responseHeaders().get("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(registry.get("gateway.rate.limited").tag("limit", "rpm").tag("scope", "key").counter().count()).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 3; i++) {
            assertThat(decide(f, request("k1", null, "chat", null))).isInstanceOf(FilterDecision.Proceed.class);
        }
        assertThat(decide(f, request("k1", null, "chat", null))).isInstanceOf(FilterDecision.Reject.class);
    }

    @Test
    void retryAfterIsTheCeilingOfTheWaitForOneToken() {
        GatewayFilter f = filter(config().key("k1", null, limits(3, null), null, null).build()); // one token per 20 s
        for (int i = 0; i < 3; i++) {
            decide(f, request("k1", null, "chat", null));
        }
        ticker.advance(Duration.ofMillis(500));
        DefaultExchange rejected = request("k1", null, "chat", null);
        var error = ((FilterDecision.Reject) decide(f, rejected)).error();
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(20)); // 19.5 s rounded up
        assertThat(rejected.responseHeaders().get("retry-after")).isEqualTo("20");
        assertThat(rejected.responseHeaders().get("x-ratelimit-reset-requests")).isEqualTo("1m0s");

        ticker.advance(Duration.ofMillis(19_000));
        var again = ((FilterDecision.Reject) decide(f, request("k1", null, "chat", null))).error();
        assertThat(again.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        ticker.advance(Duration.ofMillis(500));
        assertThat(decide(f, request("k1", null, "chat", null))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void tpmChargesTheEstimateAndTheHookRefundsWhatWasNotUsed() {
        GatewayFilter f = filter(config().key("k1", null, limits(null, 10_000), null, null).build());
        DefaultExchange ex = request("k1", null, "chat", 1000);
        long estimate = TokenEstimator.HEURISTIC.estimateTokens(ex);
        assertThat(estimate).isGreaterThan(1000);
        var p = (FilterDecision.Proceed) decide(f, ex);
        assertThat(ex.responseHeaders().get("x-ratelimit-limit-tokens")).isEqualTo("10000");
        assertThat(ex.responseHeaders().get("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(10_000 - estimate));

        ex.record().usage(TokenUsage.of(30, 70));
        p.hook().onComplete(ex, Completion.SUCCESS);

        DefaultExchange next = request("k1", null, "chat", 1000);
        decide(f, next);
        assertThat(next.responseHeaders().get("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(10_000 - 100 - estimate));
    }

    @Test
    void tpmSettlementTakesMoreWhenTheAnswerWasLongerThanEstimated() {
        GatewayFilter f = filter(config().key("k1", null, limits(null, 10_000), null, null).build());
        DefaultExchange ex = request("k1", null, "chat", 10);
        long estimate = TokenEstimator.HEURISTIC.estimateTokens(ex);
        var p = (FilterDecision.Proceed) decide(f, ex);
        ex.record().usage(TokenUsage.of(1000, 4000));
        p.hook().onComplete(ex, Completion.SUCCESS);
        DefaultExchange next = request("k1", null, "chat", 10);
        decide(f, next);
        assertThat(next.responseHeaders().get("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(10_000 - 5000 - estimate));
    }

    @Test
    void aTeamLimitRejectsAndGivesBackWhatTheKeyBucketTook() {
        GatewayConfig config = config()
                .team("search", limits(2, null), null)
                .key("k1", "search", limits(100, null), null, null)
                .key("k2", "search", limits(100, null), null, null).build();
        GatewayFilter f = filter(config);
        assertThat(decide(f, request("k1", "search", "chat", null))).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(decide(f, request("k2", "search", "chat", null))).isInstanceOf(FilterDecision.Proceed.class);
        var error = ((FilterDecision.Reject) decide(f, request("k1", "search", "chat", null))).error();
        assertThat(error.message()).contains("team 'search'").contains("rpm");
        assertThat(registry.get("gateway.rate.limited").tag("limit", "rpm").tag("scope", "team").counter().count()).isEqualTo(1);

        // k1's own bucket: the allowed request's token stuck, the rejected one's was given back
        LocalLimiterStore store = services.shared(LocalLimiterStore.class, () -> null);
        assertThat(store.tryConsume("rpm:key:k1", 100, 1).toCompletableFuture().join().remaining()).isEqualTo(98);
    }

    @Test
    void aStoreThatAnswersLaterIsWalkedInItsCallbacksWithTheSameGiveBack() {
        // a Redis-like store: every answer arrives on another thread, after the filter has returned
        LocalLimiterStore local = new LocalLimiterStore(ticker);
        LimiterStore later = new LimiterStore() {
            @Override
            public CompletionStage<Probe> tryConsume(String bucket, long perMinute, long amount) {
                return CompletableFuture.supplyAsync(() -> local.tryConsume(bucket, perMinute, amount).toCompletableFuture().join(),
                        CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
            }

            @Override
            public CompletionStage<Void> adjust(String bucket, long perMinute, long delta) {
                return local.adjust(bucket, perMinute, delta);
            }
        };
        GatewayConfig config = config().team("search", limits(2, null), null).key("k1", "search", limits(100, null), null, null).build();
        GatewayFilter f = new RateLimitFilter(config, later, TokenEstimator.HEURISTIC,
                new StateFailures("rate-limit", StateConfig.FailMode.CLOSED, registry), Map.of());

        DefaultExchange first = request("k1", "search", "chat", null);
        CompletableFuture<FilterDecision> pending = f.onRequest(first).toCompletableFuture();
        assertThat(pending).as("answered by the store's thread, not at once").isNotDone();
        assertThat(pending.join()).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(first.responseHeaders().get("x-ratelimit-remaining-requests")).isEqualTo("1"); // the team's, the tightest
        assertThat(decide(f, request("k1", "search", "chat", null))).isInstanceOf(FilterDecision.Proceed.class);
        var error = ((FilterDecision.Reject) decide(f, request("k1", "search", "chat", null))).error();
        assertThat(error.message()).contains("team 'search'");
        assertThat(local.tryConsume("rpm:key:k1", 100, 1).toCompletableFuture().join().remaining())
                .as("two requests passed; the refused one's key token was given back").isEqualTo(97);
    }

    @Test
    void aliasLimitsApplyToEveryKeyAndNameTheAlias() {
        GatewayFilter f = filter(config().model("chat", limits(null, 50), null).build());
        DefaultExchange ex = request("anyone", null, "chat", 40);
        assertThat(decide(f, ex)).isInstanceOf(FilterDecision.Proceed.class);
        var error = ((FilterDecision.Reject) decide(f, request("other", null, "chat", 40))).error();
        assertThat(error.message()).contains("alias 'chat'").contains("tpm").contains("tokens per minute");
        assertThat(decide(f, request("other", null, "unlimited-alias", 40))).isInstanceOf(FilterDecision.Proceed.class);
    }

    @Test
    void bucketsSurviveAReloadAndAChangedLimitReconfiguresThem() {
        GatewayFilter before = filter(config().key("k1", null, limits(2, null), null, null).build());
        decide(before, request("k1", null, "chat", null));
        decide(before, request("k1", null, "chat", null));
        GatewayFilter sameLimit = filter(config().key("k1", null, limits(2, null), null, null).build());
        assertThat(decide(sameLimit, request("k1", null, "chat", null))).isInstanceOf(FilterDecision.Reject.class);

        GatewayFilter raised = filter(config().key("k1", null, limits(5, null), null, null).build());
        DefaultExchange ex = request("k1", null, "chat", null);
        assertThat(decide(raised, ex)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(ex.responseHeaders().get("x-ratelimit-limit-requests")).isEqualTo("5");
    }

    @Test
    void noLimitsMeansNoFilterAndNoHeaders() {
        assertThat(filter(config().key("k1", null, null, null, null).build())).isNull();
        GatewayFilter f = filter(config().key("k1", null, limits(5, null), null, null).build());
        DefaultExchange other = request("k2", null, "chat", null);
        assertThat(decide(f, other)).isInstanceOf(FilterDecision.Proceed.class);
        assertThat(other.responseHeaders().get("x-ratelimit-limit-requests")).isNull();
    }

    @Test
    void formatsResetDurationsLikeOpenAi() {
        assertThat(RateLimitFilter.formatDuration(120)).isEqualTo("120ms");
        assertThat(RateLimitFilter.formatDuration(1000)).isEqualTo("1s");
        assertThat(RateLimitFilter.formatDuration(360_000)).isEqualTo("6m0s");
    }

    @Test
    void checkParsesStateRedisOnlyWhenLimitsNeedIt() {
        RateLimitFilterFactory factory = new RateLimitFilterFactory();
        GatewayConfig limited = config().key("k", null, limits(10, null), null, null).state("localhost:6379", StateConfig.FailMode.OPEN).build();
        assertThat(factory.check(limited)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("state.redis");
            assertThat(p.message()).contains("localhost:6379", "expected: a URL such as redis://host:6379");
        });
        assertThat(factory.check(config().key("k", null, limits(10, null), null, null).state("redis://127.0.0.1:1", StateConfig.FailMode.OPEN).build()))
                .as("a Redis that is down is no config problem").isEmpty();
        assertThat(factory.check(config().state("localhost:6379", StateConfig.FailMode.OPEN).build()))
                .as("no limits: no buckets, Redis is never opened").isEmpty();
    }
}
