package io.tollgate.core.routing;

import static io.tollgate.core.routing.RouterHarness.model;
import static io.tollgate.core.routing.RouterHarness.target;
import static io.tollgate.core.routing.ScriptedTransport.unary;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.ModelConfig.Routing;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strategies, through the router, on scripted upstreams. */
class RoutingStrategyTest {

    private static final String OK = "{\"choices\":[]}";
    private final RouterHarness h = new RouterHarness();

    @Test
    void weightedSplitsTrafficByWeightAndInterleaves() {
        h.route(model(Routing.WEIGHTED, 1, target("a", "gpt-a", 3), target("b", "gpt-b", 1)));
        h.transport.on("a", unary(200, OK)).on("b", unary(200, OK));

        for (int i = 0; i < 4000; i++) {
            assertThat(h.unary().events).containsExactly("unary 200");
        }

        int a = Collections.frequency(h.transport.sent, "a");
        assertThat(a).isEqualTo(3000);   // smooth WRR is exact over whole cycles of sum-of-weights picks
        // smooth: b never waits more than 3 picks, never gets 2 in a row
        String order = String.join("", h.transport.sent);
        assertThat(order).doesNotContain("aaaa").doesNotContain("bb");
    }

    @Test
    void weightedSkipsAFailedTargetAndFallsBackToTheOther() {
        h.route(model(Routing.WEIGHTED, 2, target("a", "gpt-a", 1), target("b", "gpt-b", 1)));
        h.transport.on("a", unary(500, "down")).on("b", unary(200, OK));

        for (int i = 0; i < 10; i++) {
            assertThat(h.unary().events).containsExactly("unary 200");
        }
    }

    @Test
    void zeroWeightTargetIsOnlyAFallback() {
        h.route(model(Routing.WEIGHTED, 2, target("a", "gpt-a", 1), target("b", "gpt-b", 0)));
        h.transport.on("a", unary(200, OK)).on("b", unary(200, OK));

        for (int i = 0; i < 20; i++) {
            h.unary();
        }
        assertThat(h.transport.sent).containsOnly("a");
    }

    @Test
    void leastLatencyShiftsTrafficToTheFasterTargetAndBackWhenTheOtherRecovers() {
        h.route(model(Routing.LEAST_LATENCY, 1, target("a", "gpt-a"), target("b", "gpt-b")));
        h.transport.on("a", unary(Duration.ofMillis(100), 200, OK)).on("b", unary(Duration.ofMillis(300), 200, OK));

        int from = h.transport.sent.size();
        for (int i = 0; i < 300; i++) {
            h.unary();
        }
        assertThat(share("a", from)).isGreaterThan(0.85);   // a is faster

        h.transport.on("a", unary(Duration.ofMillis(1000), 200, OK));   // replaces a's script: a got slow
        h.transport.calls.clear();
        pop("a");
        from = h.transport.sent.size();
        for (int i = 0; i < 300; i++) {
            h.unary();
        }
        assertThat(share("b", from)).isGreaterThan(0.85);

        h.transport.on("a", unary(Duration.ofMillis(50), 200, OK));   // a recovered: exploration and stale probes find out
        pop("a");
        for (int i = 0; i < 1000; i++) {
            h.unary();
        }
        from = h.transport.sent.size() - 300;
        assertThat(share("a", from)).isGreaterThan(0.85);
    }

    @Test
    void lowestCostPicksTheCheapestHealthyTarget() {
        Map<String, Double> prices = Map.of("gpt-a", 10.0, "gpt-b", 1.0, "gpt-c", 5.0);
        h.prices = (provider, model) -> prices.getOrDefault(model, Double.POSITIVE_INFINITY);
        h.route(model(Routing.LOWEST_COST, 2, target("x", "unknown-model"), target("a", "gpt-a"), target("b", "gpt-b"), target("c", "gpt-c")));
        h.transport.on("b", unary(200, OK), unary(429, "slow down", "retry-after", "30")).on("c", unary(200, OK));

        h.unary();
        assertThat(h.transport.sent).containsExactly("b");

        assertThat(h.unary().events).containsExactly("unary 200");   // b 429 -> falls over to c, the next cheapest
        assertThat(h.transport.sent).containsExactly("b", "b", "c");
        h.unary();
        assertThat(h.transport.sent).last().isEqualTo("c");   // b cooling down
    }

    @Test
    void strategiesRankAsDocumented() {
        PassthroughAdapter p = new PassthroughAdapter("p");
        RoutingState state = RoutingState.of(h.services);
        Target a = new Target(0, target("p", "m1"), p, state.target("p", "m1", io.tollgate.core.config.BreakerConfig.DEFAULT));
        Target b = new Target(1, target("p", "m2"), p, state.target("p", "m2", io.tollgate.core.config.BreakerConfig.DEFAULT));

        assertThat(new FallbackStrategy().rank(List.of(a, b))).containsExactly(a, b);
        assertThat(new LowestCostStrategy(PriceLookup.UNKNOWN).rank(List.of(a, b))).containsExactly(a, b);   // ties keep config order
        b.state().recordLatency(10, h.ticker.read());
        assertThat(new LeastLatencyStrategy(h.ticker, () -> 0.99).rank(List.of(a, b))).containsExactly(a, b);   // unmeasured first
        a.state().recordLatency(50, h.ticker.read());
        assertThat(new LeastLatencyStrategy(h.ticker, () -> 0.99).rank(List.of(a, b))).containsExactly(b, a);
        assertThat(new LeastLatencyStrategy(h.ticker, () -> 0.01).rank(List.of(a, b))).containsExactly(a, b);   // exploration
    }

    private void pop(String provider) {
        // the harness queue keeps its last script; drop the older one so the new one repeats
        h.transport.dropFirst(provider);
    }

    private double share(String provider, int from) {
        List<String> window = h.transport.sent.subList(from, h.transport.sent.size());
        return (double) Collections.frequency(window, provider) / window.size();
    }
}
