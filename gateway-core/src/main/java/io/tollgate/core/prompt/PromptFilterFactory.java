package io.tollgate.core.prompt;

import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.ledger.LedgerDatabase;
import io.tollgate.core.ledger.ReplicaReads;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Type {@code prompt}. Loads {@code prompts.dir} at every config version into the shared
 * {@link PromptService}. An invalid prompt file is a config problem ({@link #check}): it fails the start,
 * and the config check refuses a reload that meets one. What only the prompts already served can tell,
 * a changed version (or a file broken after the check), is logged on reload, shown as
 * {@code reload_error} in {@code GET /admin/prompts}, and the previous prompts keep serving.
 */
public final class PromptFilterFactory implements FilterFactory {

    private static final Logger log = LoggerFactory.getLogger(PromptFilterFactory.class);

    @Override
    public String type() {
        return "prompt";
    }

    @Override
    public int order() {
        return FilterOrder.PROMPT;
    }

    /** {@code prompts.dir} and every prompt file in it, read as {@code create} reads them. */
    @Override
    public List<ConfigProblem> check(GatewayConfig config) {
        return PromptRegistry.check(config.prompts());
    }

    @Override
    public GatewayFilter create(GatewayConfig config, FilterServices services) {
        LedgerDatabase db = LedgerDatabase.shared(services, config);
        PromptService service = services.shared(PromptService.class, () -> {
            PromptService created = PromptService.create(db, config.prompts().labelsFile(config.state()), services.blockingExecutor());
            ReplicaReads.every(services, LabelOverrides.REFRESH_INTERVAL, created.overrides()::refresh);
            return created;
        });
        boolean first = service.registry() == PromptRegistry.EMPTY && service.lastReloadError() == null;
        try {
            service.install(PromptRegistry.load(config.prompts()));
        } catch (RuntimeException e) {
            if (first) {
                throw e;
            }
            service.reloadFailed(e.getMessage());
            log.error("prompts not reloaded, the previous ones keep serving: {}", e.getMessage());
        }
        new PromptAdmin(service, services.clock()).register(services.shared(AdminRoutes.class, AdminRoutes::new));
        return new PromptFilter(service, new PromptMeters(services.meterRegistry(), service.registry()));
    }
}
