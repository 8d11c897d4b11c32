package io.tollgate.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.AuthConfig;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.KeyConfig;
import io.tollgate.core.config.Secret;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.filter.DefaultExchange;
import io.tollgate.core.filter.DefaultFilterServices;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.RequestObserver;
import io.tollgate.core.filter.RequestObserverFactory;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.testing.TestExchange;
import io.tollgate.core.testing.TestFilterServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pieces as the server wires them: factories found by ServiceLoader, one request through auth and
 * metering, the ledger observer, and the shutdown path ({@code DefaultFilterServices.close()}) flushing the row.
 */
class CostLedgerWiringTest {

    static final String KEY = "tg-wiringtestkey0123456789abcdefghijklm";

    @TempDir
    Path dir;

    @Test
    void requestIsAuthenticatedPricedAndLedgeredAndShutdownFlushes() throws Exception {
        String db = "sqlite:" + dir.resolve("data/gateway.db");
        GatewayConfig config = new GatewayConfig(null, new AuthConfig(AuthConfig.Mode.KEYS, null), null, null, null, null,
                List.of(new KeyConfig("svc", null, Secret.of(KEY), null, null, null, null, null, null, null)), null, null,
                new StateConfig(db, null, Duration.ofSeconds(1), null, null), null, null);
        DefaultFilterServices services = TestFilterServices.create();
        Map<String, FilterFactory> factories = new java.util.HashMap<>();
        ServiceLoader.load(FilterFactory.class).forEach(f -> factories.put(f.type(), f));
        GatewayFilter auth = factories.get("auth").create(config, services);
        GatewayFilter metering = factories.get("metering").create(config, services);
        RequestObserver ledger = ServiceLoader.load(RequestObserverFactory.class).stream()
                .filter(p -> p.type() == LedgerObserverFactory.class).findFirst().orElseThrow().get().create(config, services);

        DefaultExchange ex = TestExchange.of(TestExchange.chat("chat", "hi").request(), MutableHeaders.of("authorization", "Bearer " + KEY),
                new io.tollgate.core.testing.FakeTicker());
        assertThat(TestExchange.decide(auth, ex)).isInstanceOf(FilterDecision.Proceed.class);
        ResponseHook hook = ((FilterDecision.Proceed) TestExchange.decide(metering, ex)).hook();
        ex.record().provider("openai");
        ex.record().upstreamModel("gpt-4o-2024-08-06");
        GatewayResponse resp = GatewayResponse.unary(200, MutableHeaders.of(), "{}".getBytes(StandardCharsets.UTF_8), TokenUsage.of(1000, 100));
        hook.onResponse(ex, resp);
        hook.onComplete(ex, Completion.SUCCESS);
        ledger.onComplete(ex, Completion.SUCCESS);
        assertThat(ex.responseHeaders().get("x-gateway-cost-usd")).isEqualTo("0.0035"); // 1000 x $2.50 + 100 x $10 per 1M

        LedgerDatabase database = services.shared(LedgerDatabase.class, () -> { throw new AssertionError("opened by the factories"); });
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM gateway_requests")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero(); // queued, not yet flushed (interval 1s)
        }

        services.close(); // the SIGTERM path: writer flushes, then the database closes

        LedgerDatabase reopened = LedgerDatabase.open(db);
        try (reopened; Connection c = reopened.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT key_id, upstream_model, cost_usd, status FROM gateway_requests")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("svc");
            assertThat(rs.getString(2)).isEqualTo("gpt-4o-2024-08-06");
            assertThat(rs.getDouble(3)).isEqualTo(0.0035, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(rs.getInt(4)).isEqualTo(200);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void eachConfigTheLedgerObserverIsBuiltForSetsTheRetention() {
        String db = "sqlite:" + dir.resolve("gateway.db");
        try (DefaultFilterServices services = TestFilterServices.create()) {
            for (Duration retention : new Duration[] {Duration.ofDays(30), null, Duration.ofDays(7)}) {   // start, then two reloads
                GatewayConfig config = new GatewayConfig(null, null, null, null, null, null, null, null, null,
                        new StateConfig(db, null, null, null, retention), null, null);
                new LedgerObserverFactory().create(config, services);
                assertThat(services.existing(LedgerRetention.class).retention()).isEqualTo(retention);
            }
        }
    }

    @Test
    void theLedgerObserverChecksStateLedger() {
        GatewayConfig bad = new GatewayConfig(null, null, null, null, null, null, null, null, null,
                new StateConfig("postgres://h/db", null, null, null, null), null, null);
        assertThat(new LedgerObserverFactory().check(bad)).extracting(p -> p.path()).containsExactly("state.ledger");
        assertThat(new LedgerObserverFactory().check(GatewayConfig.empty())).isEmpty();
    }
}
