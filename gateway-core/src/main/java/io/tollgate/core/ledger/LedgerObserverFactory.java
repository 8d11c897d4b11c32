package io.tollgate.core.ledger;

import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.RequestObserver;
import io.tollgate.core.filter.RequestObserverFactory;
import java.time.Clock;
import java.util.List;

/** Writes one ledger row per finished request, deletes rows past {@code state.retention} and serves {@code GET /admin/spend}. */
public final class LedgerObserverFactory implements RequestObserverFactory {

    /** The ledger's database, {@code state.ledger}, must parse. */
    @Override
    public List<ConfigProblem> check(GatewayConfig config) {
        return LedgerDatabase.check(config.state());
    }

    @Override
    public RequestObserver create(GatewayConfig config, FilterServices services) {
        LedgerWriter writer = LedgerWriter.shared(services, config);
        LedgerRetention.shared(services, config);
        SpendReader.install(config, services);
        new SpendAdmin(writer, services.blockingExecutor(), services.clock())
                .register(services.shared(AdminRoutes.class, AdminRoutes::new));
        Clock clock = services.clock();
        return (ex, completion) -> writer.enqueue(LedgerRow.from(ex, completion, clock.instant()));
    }
}
