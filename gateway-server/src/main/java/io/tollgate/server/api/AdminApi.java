package io.tollgate.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.Secret;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.inbound.Responses;
import io.tollgate.server.inbound.ServerState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * {@code /admin/...}: checks the admin key (constant time), then dispatches to the routes features
 * registered in {@link AdminRoutes}. The admin API is off while {@code auth.admin-key} is empty.
 */
public final class AdminApi {

    private AdminApi() {}

    public static void handle(GatewayRuntime runtime, ServerState state, io.tollgate.server.inbound.GatewayHandler.Request r,
                              Executor eventLoop, Consumer<FullHttpResponse> respond) {
        Secret adminKey = runtime.current().config().auth().adminKey();
        if (adminKey.isEmpty()) {
            respond.accept(Responses.error(GatewayError.of(ErrorCode.NOT_FOUND, "The admin API is disabled: set auth.admin-key (e.g. ${GATEWAY_ADMIN_KEY}).")));
            return;
        }
        if (!matches(presentedKey(r.headers()), adminKey.value())) {
            respond.accept(Responses.error(GatewayError.of(ErrorCode.INVALID_API_KEY, "Missing or wrong admin key.")));
            return;
        }
        AdminRoutes routes = routes(runtime);
        QueryStringDecoder qs = new QueryStringDecoder(r.uri());
        String method = r.method().name();
        CompletableFuture<AdminResponse> answer;
        try {
            answer = routes.dispatch(method, r.path(), params -> new AdminRequest(method, r.path(), params, qs.parameters(), r.headers(), r.body()))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, error) -> eventLoop.execute(() -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof io.tollgate.core.error.GatewayException ge) {
                    respond.accept(Responses.error(ge.error()));
                } else {
                    org.slf4j.LoggerFactory.getLogger(AdminApi.class).error("admin {} {} failed", method, r.path(), cause);
                    respond.accept(Responses.error(GatewayError.internal("the admin API")));
                }
                return;
            }
            respond.accept(Responses.full(response.status(), response.contentType(), response.body()));
        }));
    }

    /** Registers the server's own admin routes: the config summary and the route list. */
    public static void registerBuiltins(GatewayRuntime runtime) {
        AdminRoutes routes = routes(runtime);
        routes.add("GET", "/admin/routes", request -> {
            ArrayNode list = Json.NODES.arrayNode();
            routes.list().forEach(list::add);
            return CompletableFuture.completedFuture(AdminResponse.ok(Json.object().set("routes", list)));
        });
        routes.add("GET", "/admin/config", request -> {
            var config = runtime.current().config();
            ObjectNode body = Json.object();
            ObjectNode providers = body.putObject("providers");
            config.providers().forEach((name, p) -> providers.putObject(name).put("type", p.type()).put("base_url", p.baseUrl()));
            ObjectNode models = body.putObject("models");
            config.models().forEach((alias, m) -> {
                ObjectNode node = models.putObject(alias).put("routing", m.routing().name().toLowerCase().replace('_', '-'));
                ArrayNode targets = node.putArray("targets");
                m.targets().forEach(t -> targets.addObject().put("provider", t.provider()).put("model", t.model()).put("weight", t.weight()));
            });
            ArrayNode filters = body.putArray("filters");
            runtime.current().chain().types().forEach(filters::add);
            body.put("keys", config.keys().size());
            return CompletableFuture.completedFuture(AdminResponse.ok(body));
        });
    }

    public static AdminRoutes routes(GatewayRuntime runtime) {
        return runtime.services().shared(AdminRoutes.class, AdminRoutes::new);
    }

    private static String presentedKey(Headers headers) {
        String auth = headers.get("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String key = headers.get("x-api-key");
        return key == null ? "" : key.trim();
    }

    /** Constant-time comparison on SHA-256 digests, so neither content nor length leaks through timing. */
    static boolean matches(String presented, String expected) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(presented.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b) && !presented.isEmpty();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
