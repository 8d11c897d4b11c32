package io.tollgate.core.budget;

import static io.tollgate.core.budget.TestConfigs.budget;
import static io.tollgate.core.budget.TestConfigs.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.auth.KeyHash;
import io.tollgate.core.auth.KeyStore;
import io.tollgate.core.auth.VirtualKey;
import io.tollgate.core.config.BudgetConfig.Period;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterChain;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.RecordingSink;
import io.tollgate.core.filter.Terminal;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.Principal;
import io.tollgate.core.model.StreamChunk;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.testing.FakeTicker;
import io.tollgate.core.testing.MutableClock;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BudgetFilterTest {

    @org.junit.jupiter.api.BeforeAll
    static void loadTokenizerTables() {
        io.tollgate.core.metering.Tokenizers.awaitLoaded(); // exact counts, not the heuristic of the first second
    }


    /** Estimates $0.40 per request; a stream costs 1 cent per output token. */
    static final CostEstimator ESTIMATOR = new CostEstimator() {
        @Override public double costUsd(Exchange ex, TokenUsage usage) { return usage.outputTokens() * 0.01; }
        @Override public long inputTokens(Exchange ex) { return 0; }
        @Override public double estimateUsd(Exchange ex) { return 0.4; }
    };

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DefaultFilterServices services = TestFilterServices.of(registry, new FakeTicker(), clock);
    private HttpServer webhook;

    BudgetFilterTest() {
        services.shared(CostEstimator.class, () -> ESTIMATOR);
    }

    @AfterEach
    void close() {
        services.close();
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private GatewayFilter filter(GatewayConfig config) {
        return new BudgetFilterFactory().create(config, services);
    }

    private static DefaultExchange request(String key, String team, String user) {
        DefaultExchange ex = TestExchange.chat("chat", "hello");
        ex.principal(new Principal(key, team, List.of(), Map.of()));
        ex.record().user(user);
        return ex;
    }

    private static FilterDecision decide(GatewayFilter f, DefaultExchange ex) {
        return f.onRequest(ex).toCompletableFuture().join();
    }

    /** Runs a unary request through the chain; the "upstream" charges {@code cost}. */
    private RecordingSink call(GatewayConfig config, DefaultExchange ex, double cost) {
        Terminal router = (e, sink) -> {
            e.record().costUsd(cost);
            sink.unary(GatewayResponse.json(200, Json.object(), null));
        };
        RecordingSink client = new RecordingSink();
        FilterChain.build(config, List.of(new BudgetFilterFactory()), services, router, List.of()).execute(ex, client);
        return client;
    }

    private BudgetStore.Totals totals(BudgetScope scope, String id, Period period) {
        BudgetState state = services.shared(BudgetState.class, () -> null);
        return state.store.totals(BudgetWindow.of(scope, id, period, clock.instant())).toCompletableFuture().join();
    }

    @Test
    void rejectsOnceSpentNamingTheScopeAndTheReset() {
        GatewayConfig config = config().key("k", null, null, budget(1.0, Period.DAILY), null).build();
        assertThat(call(config, request("k", null, null), 0.6).events).containsExactly("unary 200");
        assertThat(call(config, request("k", null, null), 0.6).events).containsExactly("unary 200");
        RecordingSink third = call(config, request("k", null, null), 0.6);

        assertThat(third.events).containsExactly("fail 402");
        assertThat(third.error.code()).isEqualTo("budget_exceeded");
        assertThat(third.error.message()).contains("key 'k'").contains("$1.2000 of its $1.00 daily budget")
                .contains("resets at 2026-01-16T00:00:00Z");
        assertThat(registry.get("gateway.budget.rejections").tag("scope", "key").counter().count()).isEqualTo(1);
        assertThat(registry.get("gateway.budget.spent.usd").tag("scope", "key").tag("id", "k").gauge().value()).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aConcurrentBurstOvershootsByAtMostOneEstimate() {
        GatewayFilter f = filter(config().key("k", null, null, budget(1.0, Period.DAILY), null).build());
        List<FilterDecision> decisions = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            decisions.add(decide(f, request("k", null, null))); // all in flight at once
        }
        assertThat(decisions).filteredOn(d -> d instanceof FilterDecision.Proceed).hasSize(3);
        BudgetStore.Totals inFlight = totals(BudgetScope.KEY, "k", Period.DAILY);
        assertThat(inFlight.reserved()).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(inFlight.reserved()).isLessThanOrEqualTo(1.0 + 0.4);

        for (FilterDecision d : decisions) {
            if (d instanceof FilterDecision.Proceed p) {
                p.hook().onComplete(request("k", null, null), Completion.error(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "x")));
            }
        }
        assertThat(totals(BudgetScope.KEY, "k", Period.DAILY)).isEqualTo(new BudgetStore.Totals(0, 0));
    }

    @Test
    void settlesWithTheRealCostOnSuccessErrorAndCancel() {
        GatewayFilter f = filter(config().key("k", null, null, budget(10.0, Period.DAILY), null).build());
        DefaultExchange ok = request("k", null, null);
        var p1 = (FilterDecision.Proceed) decide(f, ok);
        assertThat(totals(BudgetScope.KEY, "k", Period.DAILY).reserved()).isEqualTo(0.4);
        ok.record().costUsd(0.3);
        p1.hook().onComplete(ok, Completion.SUCCESS);
        assertThat(totals(BudgetScope.KEY, "k", Period.DAILY)).isEqualTo(new BudgetStore.Totals(0.3, 0));

        DefaultExchange failed = request("k", null, null);
        var p2 = (FilterDecision.Proceed) decide(f, failed);
        p2.hook().onComplete(failed, Completion.error(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "down")));
        assertThat(totals(BudgetScope.KEY, "k", Period.DAILY)).isEqualTo(new BudgetStore.Totals(0.3, 0));

        DefaultExchange cancelled = request("k", null, null);
        var p3 = (FilterDecision.Proceed) decide(f, cancelled);
        cancelled.record().costUsd(0.05); // the part of the stream the client got before leaving
        p3.hook().onComplete(cancelled, Completion.CANCELLED);
        BudgetStore.Totals t = totals(BudgetScope.KEY, "k", Period.DAILY);
        assertThat(t.spent()).isEqualTo(0.35, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(t.reserved()).isZero();
    }

    @Test
    void aNewPeriodStartsFromZero() {
        GatewayConfig config = config().key("k", null, null, budget(1.0, Period.DAILY), null)
                .key("w", null, null, budget(1.0, Period.WEEKLY), null).build();
        call(config, request("k", null, null), 1.5);
        call(config, request("w", null, null), 1.5);
        assertThat(call(config, request("k", null, null), 0.1).events).containsExactly("fail 402");

        clock.set(Instant.parse("2026-01-16T00:00:00Z")); // Friday: a new day, the same ISO week
        assertThat(call(config, request("k", null, null), 0.1).events).containsExactly("unary 200");
        RecordingSink weekly = call(config, request("w", null, null), 0.1);
        assertThat(weekly.events).containsExactly("fail 402");
        assertThat(weekly.error.message()).contains("weekly").contains("resets at 2026-01-19T00:00:00Z");

        clock.set(Instant.parse("2026-01-19T00:00:00Z")); // Monday
        assertThat(call(config, request("w", null, null), 0.1).events).containsExactly("unary 200");
    }

    @Test
    void periodsAreUtcWindows() {
        Instant thu = Instant.parse("2026-01-15T23:59:59Z");
        assertThat(BudgetWindow.of(BudgetScope.KEY, "k", Period.WEEKLY, thu).start()).isEqualTo("2026-01-12T00:00:00Z");
        assertThat(BudgetWindow.of(BudgetScope.KEY, "k", Period.MONTHLY, thu).start()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(BudgetWindow.of(BudgetScope.KEY, "k", Period.MONTHLY, thu).end()).isEqualTo("2026-02-01T00:00:00Z");
        assertThat(BudgetWindow.of(BudgetScope.KEY, "k", Period.TOTAL, thu).end()).isNull();
        assertThat(BudgetWindow.of(BudgetScope.KEY, "k", Period.DAILY, thu).end()).isEqualTo("2026-01-16T00:00:00Z");
    }

    @Test
    void teamAndUserBudgetsApplyAndUsersGetNoGauge() {
        GatewayConfig config = config()
                .team("search", null, budget(100.0, Period.MONTHLY))
                .key("k", "search", null, null, null)
                .userBudget(Map.of("usd", 1, "period", "daily")).build();
        call(config, request("k", "search", "alice"), 1.0);
        RecordingSink alice = call(config, request("k", "search", "alice"), 0.1);
        assertThat(alice.events).containsExactly("fail 402");
        assertThat(alice.error.message()).contains("user 'alice'");
        assertThat(call(config, request("k", "search", "bob"), 0.1).events).containsExactly("unary 200");
        assertThat(totals(BudgetScope.TEAM, "search", Period.MONTHLY).spent()).isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(registry.get("gateway.budget.rejections").tag("scope", "user").counter().count()).isEqualTo(1);
        assertThat(registry.find("gateway.budget.spent.usd").tag("scope", "user").gauge()).isNull();

        call(config, request("k", "search", "carol"), 99.0);
        RecordingSink team = call(config, request("k", "search", "dave"), 0.1);
        assertThat(team.error.message()).contains("team 'search'").contains("monthly").contains("2026-02-01T00:00:00Z");
    }

    @Test
    void aBadUserBudgetNamesTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> filter(config().userBudget(Map.of("usd", 1, "period", "hourly")).build()))
                .hasMessageContaining("filters.budget.settings.user-budget.period");
    }

    @Test
    void alertsFireOncePerThresholdPerPeriodAndTheWebhookIsRetried() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean fail = attempts.getAndIncrement() == 0; // the first delivery fails: it must be retried
            if (!fail) {
                received.add(Json.parse(body));
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        webhook.start();
        GatewayConfig config = config().key("k", null, null, budget(1.0, Period.DAILY, 0.5, 0.9), null)
                .webhook("http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts").build();

        call(config, request("k", null, null), 0.6);   // crosses 50%
        call(config, request("k", null, null), 0.1);   // 70%: nothing new
        waitFor(() -> received.size() == 1);
        call(config, request("k", null, null), 0.25);  // 95%: crosses 90%
        waitFor(() -> received.size() == 2);
        assertThat(received.get(0).get("threshold").asDouble()).isEqualTo(0.5);
        assertThat(received.get(0).get("scope").asText()).isEqualTo("key");
        assertThat(received.get(0).get("resets_at").asText()).isEqualTo("2026-01-16T00:00:00Z");
        assertThat(received.get(1).get("threshold").asDouble()).isEqualTo(0.9);
        assertThat(attempts.get()).isEqualTo(3);

        filter(config); // a reload does not re-arm them
        call(config, request("k", null, null), 0.01);
        clock.set(Instant.parse("2026-01-16T08:00:00Z"));
        call(config, request("k", null, null), 0.6);   // a new period: 50% alerts again
        waitFor(() -> received.size() == 3);
        assertThat(registry.get("gateway.budget.alerts").tag("scope", "key").counter().count()).isEqualTo(3);

        AdminRoutes routes = services.shared(AdminRoutes.class, AdminRoutes::new);
        admin(routes, "POST", "/admin/budgets/key/k/reset");  // a reset re-arms the period's alerts
        call(config, request("k", null, null), 0.6);
        waitFor(() -> received.size() == 4);
        Thread.sleep(100);
        assertThat(received).hasSize(4);
    }

    /** A streaming router: chunks of 4 characters (1 token each) until done or cancelled. */
    private static final class StreamingRouter implements Terminal {
        boolean upstreamCancelled;
        int sent;
        final List<StreamChunk> extra;

        StreamingRouter(List<StreamChunk> extra) {
            this.extra = extra;
        }

        @Override
        public void handle(Exchange ex, io.tollgate.core.filter.ResponseSink sink) {
            ex.onCancel(() -> upstreamCancelled = true);
            sink.streamStart(GatewayResponse.streaming(200, MutableHeaders.of()));
            for (StreamChunk c : extra) {
                sink.chunk(c);
            }
            for (int i = 0; i < 50 && !ex.isCancelled(); i++) {
                sent++;
                sink.chunk(StreamChunk.of(("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abcd\"}}]}").getBytes(StandardCharsets.UTF_8)));
            }
            if (!ex.isCancelled()) {
                sink.streamEnd();
            }
        }
    }

    private RecordingSink stream(GatewayConfig config, DefaultExchange ex, StreamingRouter router) {
        RecordingSink client = new RecordingSink();
        FilterChain.build(config, List.of(new BudgetFilterFactory()), services, router, List.of()).execute(ex, client);
        return client;
    }

    @Test
    void aStreamCrossingThePerRequestCapIsStoppedAndCharged() {
        GatewayConfig config = config().key("k", null, null, budget(10.0, Period.DAILY), 0.05).build();
        StreamingRouter router = new StreamingRouter(List.of());
        RecordingSink client = stream(config, request("k", null, null), router);

        assertThat(client.chunks).hasSize(5);  // 5 tokens = $0.05; the 6th crosses the cap
        assertThat(client.events.get(client.events.size() - 1)).isEqualTo("fail 402");
        assertThat(client.error.message()).contains("per-request cap of $0.05").contains("key 'k' max-cost-usd");
        assertThat(router.upstreamCancelled).isTrue();
        assertThat(router.sent).isEqualTo(6);
        BudgetStore.Totals t = totals(BudgetScope.KEY, "k", Period.DAILY);
        assertThat(t.spent()).isEqualTo(0.06, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(t.reserved()).isZero();
    }

    @Test
    void theAliasCapAppliesWhenLowerAndNeedsNoBudget() {
        GatewayConfig config = config().key("k", null, null, null, 1.0).model("chat", null, 0.02).build();
        RecordingSink client = stream(config, request("k", null, null), new StreamingRouter(List.of()));
        assertThat(client.chunks).hasSize(2);
        assertThat(client.error.message()).contains("model 'chat' max-cost-usd");
    }

    @Test
    void aStreamIsStoppedWhenItWouldSpendMoreThanTheBudgetHadLeft() {
        GatewayConfig config = config().key("k", null, null, budget(1.0, Period.DAILY), null).build();
        call(config, request("k", null, null), 0.97);
        RecordingSink client = stream(config, request("k", null, null), new StreamingRouter(List.of()));
        assertThat(client.chunks).hasSize(3);
        assertThat(client.error.message()).contains("key 'k' reached its $1.0 daily budget");
    }

    @Test
    void reportedUsageInAChunkCountsAtOnce() {
        GatewayConfig config = config().key("k", null, null, null, 0.5).build();
        StreamChunk usage = StreamChunk.of("{\"choices\":[]}".getBytes(StandardCharsets.UTF_8)).withUsage(TokenUsage.of(10, 60));
        RecordingSink client = stream(config, request("k", null, null), new StreamingRouter(List.of(usage)));
        assertThat(client.chunks).isEmpty();
        assertThat(client.events).containsExactly("start", "fail 402");
    }

    @Test
    void adminListsBudgetsAndResetsOne() throws Exception {
        GatewayConfig config = config().key("k", null, null, budget(1.0, Period.DAILY), null)
                .team("search", null, budget(50.0, Period.MONTHLY)).build();
        call(config, request("k", null, null), 1.5);
        AdminRoutes routes = services.shared(AdminRoutes.class, AdminRoutes::new);

        JsonNode list = Json.parse(admin(routes, "GET", "/admin/budgets").body());
        assertThat(list.get("budgets")).hasSize(2);
        JsonNode key = list.get("budgets").get(0);
        assertThat(key.get("scope").asText()).isEqualTo("key");
        assertThat(key.get("spent_usd").asDouble()).isEqualTo(1.5);
        assertThat(key.get("reserved_usd").asDouble()).isZero();
        assertThat(key.get("limit_usd").asDouble()).isEqualTo(1.0);
        assertThat(key.get("period").asText()).isEqualTo("daily");
        assertThat(key.get("resets_at").asText()).isEqualTo("2026-01-16T00:00:00Z");
        assertThat(list.get("budgets").get(1).get("resets_at").asText()).isEqualTo("2026-02-01T00:00:00Z");

        AdminResponse reset = admin(routes, "POST", "/admin/budgets/key/k/reset");
        assertThat(reset.status()).isEqualTo(200);
        assertThat(Json.parse(reset.body()).get("spent_usd").asDouble()).isZero();
        assertThat(call(config, request("k", null, null), 0.1).events).containsExactly("unary 200");

        assertThat(admin(routes, "POST", "/admin/budgets/planet/k/reset").status()).isEqualTo(404);
        assertThat(admin(routes, "POST", "/admin/budgets/key/nobody/reset").status()).isEqualTo(404);
    }

    private static AdminResponse admin(AdminRoutes routes, String method, String path) {
        return routes.dispatch(method, path, params -> new AdminRequest(method, path, params, Map.of(), MutableHeaders.of(), new byte[0]))
                .toCompletableFuture().join();
    }

    @Test
    void onStartTheWindowsAreRebuiltFromTheLedger() {
        List<Instant> asked = new CopyOnWriteArrayList<>();
        services.shared(SpendSource.class, () -> (scope, since) -> {
            asked.add(since);
            return scope == BudgetScope.KEY ? Map.of("k", 0.7, "unknown", 5.0) : Map.of();
        });
        GatewayConfig config = config().key("k", null, null, budget(1.0, Period.MONTHLY), null).build();
        filter(config);
        waitFor(() -> totals(BudgetScope.KEY, "k", Period.MONTHLY).spent() == 0.7);
        assertThat(asked).contains(Instant.parse("2026-01-01T00:00:00Z"));
        filter(config); // a reload does not add it twice
        assertThat(totals(BudgetScope.KEY, "k", Period.MONTHLY).spent()).isEqualTo(0.7);
    }

    @Test
    void keysCreatedThroughTheAdminApiHaveTheirWindowsRebuiltToo() throws Exception {
        // Such keys live in the key store (the database), not in the config: a restart must not reset their spend.
        KeyStore keys = services.shared(KeyStore.class, () -> new KeyStore(null, clock));
        keys.create(new VirtualKey("api-key", KeyHash.sha256(KeyHash.generate()), VirtualKey.Source.API, null, List.of(), Map.of(),
                LimitsConfig.NONE, budget(1.0, Period.DAILY), null, null, null, clock.instant()));
        List<Instant> asked = new CopyOnWriteArrayList<>();
        services.shared(SpendSource.class, () -> (scope, since) -> {
            asked.add(since);
            return scope == BudgetScope.KEY ? Map.of("api-key", 0.9) : Map.of();
        });
        filter(config().build());
        waitFor(() -> totals(BudgetScope.KEY, "api-key", Period.DAILY).spent() == 0.9);
        assertThat(asked).contains(Instant.parse("2026-01-15T00:00:00Z"));
    }

    @Test
    void aBudgetAddedByAReloadOrToAnAdminKeyCountsItsPeriodsSpendSoFar() throws Exception {
        KeyStore keys = services.shared(KeyStore.class, () -> new KeyStore(null, clock));
        keys.create(new VirtualKey("api-key", KeyHash.sha256(KeyHash.generate()), VirtualKey.Source.API, null, List.of(), Map.of(),
                LimitsConfig.NONE, null, null, null, null, clock.instant()));
        AtomicInteger reads = new AtomicInteger();
        services.shared(SpendSource.class, () -> (scope, since) -> {
            reads.incrementAndGet();
            return switch (scope) {
                case KEY -> Map.of("api-key", 0.4);
                case TEAM -> Map.of("t", 0.6, "u", 0.2);
                case USER -> Map.of();
            };
        });
        filter(config().build());   // no budgets yet: nothing to seed
        filter(config().team("t", LimitsConfig.NONE, budget(1.0, Period.MONTHLY)).build());   // a reload adds a team budget
        waitFor(() -> totals(BudgetScope.TEAM, "t", Period.MONTHLY).spent() == 0.6);

        keys.update("api-key", k -> new VirtualKey(k.id(), k.hash(), k.source(), k.team(), k.models(), k.metadata(), k.limits(),
                budget(1.0, Period.WEEKLY), k.maxCostUsd(), k.expires(), k.revoked(), k.created()));   // PATCH adds a key budget
        waitFor(() -> totals(BudgetScope.KEY, "api-key", Period.WEEKLY).spent() == 0.4);

        // Another reload keeps 't' and adds 'u': once 'u' is seeded (the same pass), 't' was not seeded again.
        int before = reads.get();
        filter(config().team("t", LimitsConfig.NONE, budget(1.0, Period.MONTHLY)).team("u", LimitsConfig.NONE, budget(1.0, Period.MONTHLY)).build());
        waitFor(() -> totals(BudgetScope.TEAM, "u", Period.MONTHLY).spent() == 0.2);
        assertThat(totals(BudgetScope.TEAM, "t", Period.MONTHLY).spent()).isEqualTo(0.6);
        assertThat(reads.get()).as("one read, for 'u'").isEqualTo(before + 1);
    }

    static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void checkReadsTheUserBudgetAndStateRedisAsCreateDoes() {
        BudgetFilterFactory factory = new BudgetFilterFactory();
        assertThat(factory.check(config().userBudget(Map.of("usd", 5, "period", "daily")).build())).isEmpty();
        assertThat(factory.check(config().userBudget(Map.of("usd", -1)).build()))
                .extracting(ConfigProblem::path).containsExactly("filters.budget.settings.user-budget.usd");
        assertThat(factory.check(config().userBudget(Map.of("usd", 5, "period", "hourly")).build()))
                .extracting(ConfigProblem::path).containsExactly("filters.budget.settings.user-budget.period");
        assertThat(factory.check(config().state("redis://:hunter2@", StateConfig.FailMode.OPEN).build())).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("state.redis");
            assertThat(p.message()).doesNotContain("hunter2");
        });
    }
}
