package io.tollgate.core.auth;

import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.AuthConfig;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.ledger.LedgerDatabase;
import java.util.List;

/** {@code auth}: virtual keys (config + admin API) and the {@code /admin/keys} routes. */
public final class AuthFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "auth";
    }

    @Override
    public int order() {
        return FilterOrder.AUTH;
    }

    /** The key store and the spend reader open {@code state.ledger}: it must parse. */
    @Override
    public List<ConfigProblem> check(GatewayConfig config) {
        return LedgerDatabase.check(config.state());
    }

    @Override
    public GatewayFilter create(GatewayConfig config, FilterServices services) {
        // Budgets and rate limits find metering's estimates and the ledger's spend through shared seams, looked up
        // when their factories run; auth runs first (order 100), so they are in place by then.
        io.tollgate.core.metering.CostEstimates.install(config, services);
        io.tollgate.core.ledger.SpendReader.install(config, services);
        KeyStore store = KeyStore.shared(services, config);
        store.syncConfig(config.keys());
        new KeyAdmin(store, config.teams().keySet(), services.blockingExecutor())
                .register(services.shared(AdminRoutes.class, AdminRoutes::new));
        return config.auth().mode() == AuthConfig.Mode.OPEN ? AuthFilter.open() : AuthFilter.keys(store);
    }
}
