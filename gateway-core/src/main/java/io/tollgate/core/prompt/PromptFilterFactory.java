package io.tollgate.core.prompt;

import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.filter.FilterFactory;
import io.tollgate.core.filter.FilterOrder;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.GatewayFilter;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Type {@code prompt}. Loads {@code prompts.dir} at every config version into the shared
 * {@link PromptService}. At start an invalid prompt file fails the start; on reload it (or a changed
 * version) is logged, shown as {@code reload_error} in {@code GET /admin/prompts}, and the previous
 * prompts keep serving.
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

    @Override
    public GatewayFilter create(GatewayConfig config, FilterServices services) {
        PromptService service = services.shared(PromptService.class,
                () -> PromptService.create(config.prompts().labelsFile(config.state()), services.blockingExecutor()));
        boolean first = service.registry() == PromptRegistry.EMPTY && service.lastReloadError() == null;
        try {
            service.install(PromptRegistry.load(Path.of(config.prompts().dir())));
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
