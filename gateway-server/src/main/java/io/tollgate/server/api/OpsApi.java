package io.tollgate.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.tollgate.core.config.StateConfig;
import io.tollgate.core.model.Json;
import io.tollgate.core.state.StoreHealth;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.inbound.Responses;
import io.tollgate.server.inbound.ServerState;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Liveness, readiness and the Prometheus scrape. */
public final class OpsApi {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private OpsApi() {}

    public static FullHttpResponse handle(String path, GatewayRuntime runtime, ServerState state) {
        return switch (path) {
            case "/health/live" -> Responses.full(200, "application/json", Json.bytes(Json.object().put("status", "ok")));
            case "/health/ready" -> ready(runtime, state);
            case "/metrics" -> Responses.full(200, PROMETHEUS_TEXT, runtime.registry().scrape().getBytes(StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("path: " + path);
        };
    }

    /**
     * Ready when a config is loaded, the gateway is not draining, and no store it cannot serve without is down.
     * Redis counts only under {@code state.on-redis-error: closed}, where its outage fails requests anyway; a
     * down ledger database (rows wait in memory) or a fail-open Redis is reported but keeps the replica in
     * the load balancer: a shared database's outage must not take every replica out while they can serve.
     */
    private static FullHttpResponse ready(GatewayRuntime runtime, ServerState state) {
        StoreHealth health = runtime.isReady() ? runtime.storeHealth() : null;
        Map<String, StoreHealth.Status> stores = health == null ? Map.of() : health.statuses();
        boolean storeBlocks = health != null && health.redisUnreachable()
                && runtime.current().config().state().onRedisError() == StateConfig.FailMode.CLOSED;
        boolean ready = runtime.isReady() && !state.isDraining() && !storeBlocks;
        boolean degraded = stores.containsValue(StoreHealth.Status.UNREACHABLE);
        ObjectNode body = Json.object().put("status", !ready ? "not_ready" : degraded ? "degraded" : "ready");
        body.put("config_loaded", runtime.isReady());
        body.put("draining", state.isDraining());
        ObjectNode storesNode = body.putObject("stores");
        stores.forEach((name, status) -> storesNode.put(name, status.label()));
        return Responses.full(ready ? 200 : 503, "application/json", Json.bytes(body));
    }
}
