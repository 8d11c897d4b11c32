package io.tollgate.core.routing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.filter.Ticker;
import io.tollgate.core.model.Json;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /admin/routing}: every alias of the current config with its targets' live health in this
 * process (breaker state, latency average, 429 cooldown, attempts in flight). Registered per config
 * version, so it always shows the newest.
 */
final class RoutingAdmin {

    private RoutingAdmin() {}

    static void register(Routes routes, FilterServices services) {
        Ticker ticker = services.ticker();
        services.shared(AdminRoutes.class, AdminRoutes::new).add("GET", "/admin/routing",
                request -> CompletableFuture.completedFuture(AdminResponse.ok(snapshot(routes, ticker.read()))));
    }

    static ObjectNode snapshot(Routes routes, long now) {
        ObjectNode root = Json.object();
        ObjectNode models = root.putObject("models");
        routes.all().forEach((alias, route) -> {
            ObjectNode m = models.putObject(alias);
            m.put("routing", route.config().routing().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            m.put("max_attempts", route.config().retries().maxAttempts());
            ArrayNode targets = m.putArray("targets");
            for (Target t : route.targets()) {
                TargetState s = t.state();
                ObjectNode o = targets.addObject()
                        .put("provider", t.provider())
                        .put("model", t.model())
                        .put("weight", t.weight())
                        .put("enabled", t.adapter().isEnabled())
                        .put("breaker", s.breaker().getState().name().toLowerCase(java.util.Locale.ROOT))
                        .put("failure_rate", s.breaker().getMetrics().getFailureRate())
                        .put("in_flight", s.inFlight());
                double latency = s.latencyNanos();
                if (Double.isNaN(latency)) {
                    o.putNull("latency_ms");
                } else {
                    o.put("latency_ms", Math.round(latency / 1e6 * 10) / 10.0);
                }
                o.put("cooldown_ms", s.coolingDown(now) ? (s.cooldownUntil() - now) / 1_000_000 : 0);
            }
        });
        return root;
    }
}
