package io.tollgate.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.tollgate.core.model.Json;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.inbound.Responses;
import io.tollgate.server.inbound.ServerState;
import java.nio.charset.StandardCharsets;

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

    private static FullHttpResponse ready(GatewayRuntime runtime, ServerState state) {
        boolean ready = runtime.isReady() && !state.isDraining();
        ObjectNode body = Json.object().put("status", ready ? "ready" : "not_ready");
        body.put("config_loaded", runtime.isReady());
        body.put("draining", state.isDraining());
        return Responses.full(ready ? 200 : 503, "application/json", Json.bytes(body));
    }
}
