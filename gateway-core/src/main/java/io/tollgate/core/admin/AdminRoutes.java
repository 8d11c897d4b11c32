package io.tollgate.core.admin;

import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The admin API's routing table. Features add their routes once, from their factories:
 * {@code services.shared(AdminRoutes.class, AdminRoutes::new).add("GET", "/admin/keys/{id}", handler)}.
 * Adding the same method and pattern again replaces the handler (a reload re-registers).
 */
public final class AdminRoutes {

    private record Route(String method, String[] segments, String pattern, AdminHandler handler) {}

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    public void add(String method, String pattern, AdminHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!pattern.startsWith("/admin/")) {
            throw new IllegalArgumentException("pattern: " + pattern + " (expected: starts with /admin/)");
        }
        routes.removeIf(r -> r.method.equals(method) && r.pattern.equals(pattern));
        routes.add(new Route(method, pattern.substring(1).split("/"), pattern, handler));
    }

    /** Routes a request; 404 or 405 in the SPEC envelope when nothing matches. */
    public CompletionStage<AdminResponse> dispatch(String method, String path, java.util.function.Function<Map<String, String>, AdminRequest> request) {
        String[] parts = path.substring(1).split("/");
        boolean pathMatched = false;
        for (Route route : routes) {
            Map<String, String> params = match(route.segments, parts);
            if (params == null) {
                continue;
            }
            pathMatched = true;
            if (route.method.equals(method)) {
                return route.handler.handle(request.apply(params));
            }
        }
        GatewayError error = pathMatched
                ? GatewayError.of(ErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed on " + path + ".")
                : GatewayError.of(ErrorCode.NOT_FOUND, "No admin endpoint at " + path + ".");
        return CompletableFuture.completedFuture(AdminResponse.error(error));
    }

    /** The registered routes, "METHOD pattern", for GET /admin. */
    public List<String> list() {
        return routes.stream().map(r -> r.method + " " + r.pattern).sorted().toList();
    }

    private static @Nullable Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(p.substring(1, p.length() - 1), java.net.URLDecoder.decode(path[i], java.nio.charset.StandardCharsets.UTF_8));
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }
}
