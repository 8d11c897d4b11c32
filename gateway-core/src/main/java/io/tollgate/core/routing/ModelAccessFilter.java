package io.tollgate.core.routing;

import io.tollgate.core.config.ConditionalRoute;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.filter.AttrKey;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the alias the client asked for and checks the key may use it: 400 without a model, 404
 * for an unknown alias, 403 when the key's {@code models:} leave it out, 503 naming the missing
 * credential when none of the alias's providers is enabled. Leaves the {@link Route} for the router.
 */
public final class ModelAccessFilter implements GatewayFilter {

    /** The resolved route of the request, for {@link ModelRouter}. */
    public static final AttrKey<Route> ROUTE = AttrKey.of("routing.route");

    private final GatewayConfig config;
    private final @Nullable Routes routes;

    public ModelAccessFilter(Routes routes) {
        this(routes.config(), routes);
    }

    /**
     * With {@code routes} null (no provider adapters on the class path: gateway-core used alone, as in
     * other features' chain tests) aliases are checked against {@code models:} only and the router
     * resolves the route itself.
     */
    public ModelAccessFilter(GatewayConfig config, @Nullable Routes routes) {
        this.config = config;
        this.routes = routes;
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        String alias = ex.request().model();
        if (alias.isEmpty()) {
            return FilterDecision.reject(GatewayError.invalidRequest(
                    "Missing required field 'model': name one of the models GET /v1/models lists.", "model"));
        }
        if (!config.models().containsKey(alias)) {
            return FilterDecision.reject(GatewayError.modelNotFound(alias));
        }
        if (!ex.principal().mayUse(alias)) {
            return FilterDecision.reject(GatewayError.modelNotAllowed(alias));
        }
        String served = routedAlias(ex, config.models().get(alias));
        Route route = routes == null ? null : routes.route(served);
        if (route != null) {
            if (!route.anyEnabled()) {
                return FilterDecision.reject(disabled(route));
            }
            ex.attr(ROUTE, route);
        }
        ex.record().alias(alias);
        return FilterDecision.proceed();
    }

    /** The alias that serves the request: the first conditional route that matches, else the one asked for. */
    static String routedAlias(Exchange ex, ModelConfig model) {
        for (ConditionalRoute r : model.routes()) {
            if (matches(r, ex)) {
                return r.to();
            }
        }
        return ex.request().model();
    }

    private static boolean matches(ConditionalRoute r, Exchange ex) {
        if (r.team() != null && !r.team().equals(ex.principal().team())) {
            return false;
        }
        if (r.key() != null && !r.key().equals(ex.principal().keyId())) {
            return false;
        }
        for (var h : r.headers().entrySet()) {
            if (!h.getValue().equals(ex.requestHeaders().get(h.getKey()))) {
                return false;
            }
        }
        for (var m : r.metadata().entrySet()) {
            if (!m.getValue().equals(ex.record().tags().get(m.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private GatewayError disabled(Route route) {
        // one hint per provider, in config order
        String missing = route.targets().stream().collect(Collectors.toMap(Target::provider, t -> t, (a, b) -> a, java.util.LinkedHashMap::new))
                .values().stream().map(t -> {
            String name = t.provider();
            String own = t.adapter().missingCredential();
            if (own != null) {
                return "providers." + name + ": " + own;
            }
            ProviderConfig pc = config.providers().get(name);
            String type = pc == null ? name : pc.type();
            String env = type.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
            return "providers." + name + ".api-key (usually ${" + env + "})";
        }).collect(Collectors.joining(", "));
        return GatewayError.of(ErrorCode.NO_HEALTHY_UPSTREAM, "The model '" + route.alias()
                + "' is configured but none of its providers is enabled: their credentials are missing. Set " + missing
                + " and reload.").withRetryAfter(null);
    }
}
