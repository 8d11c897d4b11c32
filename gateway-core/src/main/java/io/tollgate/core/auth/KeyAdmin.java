package io.tollgate.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.config.BudgetConfig;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.LimitsConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/keys}: create (the key is in that response only), list, show, update, revoke. Output never
 * holds key material: at most {@code key_prefix}, the first 8 hex digits of the key's SHA-256. Config keys are
 * listed but read-only (409). Mutations hop to the blocking executor (they write the database).
 */
final class KeyAdmin {

    private static final Logger log = LoggerFactory.getLogger(KeyAdmin.class);
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final KeyStore store;
    private final Set<String> teams;
    private final Executor blocking;

    KeyAdmin(KeyStore store, Set<String> teams, Executor blocking) {
        this.store = store;
        this.teams = Set.copyOf(teams);
        this.blocking = blocking;
    }

    void register(AdminRoutes routes) {
        routes.add("POST", "/admin/keys", this::create);
        routes.add("GET", "/admin/keys", r -> done(list()));
        routes.add("GET", "/admin/keys/{id}", this::show);
        routes.add("PATCH", "/admin/keys/{id}", this::patch);
        routes.add("DELETE", "/admin/keys/{id}", this::revoke);
    }

    /** A client mistake in the request body: 400 naming the field. */
    static final class BadField extends RuntimeException {
        final String field;

        BadField(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    CompletionStage<AdminResponse> create(AdminRequest req) {
        VirtualKey key;
        String secret = KeyHash.generate();
        try {
            ObjectNode body = body(req);
            String id = body.hasNonNull("id") ? text(body, "id") : "key-" + KeyHash.generate().substring(3, 15);
            if (!ID.matcher(id).matches()) {
                throw new BadField("id", "id must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
            }
            Instant now = store.now();
            key = apply(new VirtualKey(id, KeyHash.sha256(secret), VirtualKey.Source.API, null, List.of(), Map.of(),
                    LimitsConfig.NONE, null, null, null, null, now), body);
        } catch (BadField e) {
            return done(AdminResponse.error(GatewayError.invalidRequest(e.getMessage(), e.field)));
        }
        VirtualKey k = key;
        return CompletableFuture.supplyAsync(() -> {
            try {
                store.create(k);
                ObjectNode out = view(k);
                out.put("key", secret); // shown once: only its hash is kept
                log.info("Virtual key '{}' created (team {})", k.id(), k.team());
                return AdminResponse.json(201, out);
            } catch (KeyStore.KeyConflictException e) {
                return AdminResponse.error(GatewayError.of(ErrorCode.CONFLICT, e.getMessage()));
            } catch (Exception e) {
                log.error("Creating virtual key '{}' failed", k.id(), e);
                return AdminResponse.error(GatewayError.internal("the key store"));
            }
        }, blocking);
    }

    private AdminResponse list() {
        ObjectNode out = Json.object();
        var data = out.putArray("data");
        for (VirtualKey k : store.list()) {
            data.add(view(k));
        }
        return AdminResponse.ok(out);
    }

    private CompletionStage<AdminResponse> show(AdminRequest req) {
        VirtualKey k = store.find(req.pathParams().get("id"));
        return done(k == null ? notFound(req.pathParams().get("id")) : AdminResponse.ok(view(k)));
    }

    private CompletionStage<AdminResponse> patch(AdminRequest req) {
        ObjectNode body;
        String id = req.pathParams().get("id");
        try {
            body = body(req);
            if (body.has("id")) {
                throw new BadField("id", "id cannot be changed");
            }
            VirtualKey current = store.find(id);
            if (current != null && current.source() == VirtualKey.Source.API) {
                apply(current, body); // validate here, answer 400 before touching the database
            }
        } catch (BadField e) {
            return done(AdminResponse.error(GatewayError.invalidRequest(e.getMessage(), e.field)));
        }
        return mutate(id, () -> store.update(id, k -> apply(k, body)));
    }

    private CompletionStage<AdminResponse> revoke(AdminRequest req) {
        String id = req.pathParams().get("id");
        return mutate(id, () -> {
            VirtualKey k = store.revoke(id);
            if (k != null) log.info("Virtual key '{}' revoked", id);
            return k;
        });
    }

    private interface Mutation {
        @Nullable VirtualKey run() throws Exception;
    }

    private CompletionStage<AdminResponse> mutate(String id, Mutation m) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                VirtualKey k = m.run();
                return k == null ? notFound(id) : AdminResponse.ok(view(k));
            } catch (KeyStore.KeyConflictException e) {
                return AdminResponse.error(GatewayError.of(ErrorCode.CONFLICT, e.getMessage()));
            } catch (Exception e) {
                log.error("Changing virtual key '{}' failed", id, e);
                return AdminResponse.error(GatewayError.internal("the key store"));
            }
        }, blocking);
    }

    /** {@code k} with the fields present in {@code body} changed; a JSON null clears optional ones. */
    private VirtualKey apply(VirtualKey k, ObjectNode body) {
        String team = k.team();
        if (body.has("team")) {
            team = body.get("team").isNull() ? null : text(body, "team");
            if (team != null && !teams.contains(team)) {
                throw new BadField("team", "unknown team '" + team + "' (expected one of " + teams + ")");
            }
        }
        List<String> models = k.models();
        if (body.has("models")) {
            JsonNode m = body.get("models");
            if (!m.isArray()) throw new BadField("models", "models must be an array of model aliases");
            List<String> list = new ArrayList<>();
            for (JsonNode n : m) {
                if (!n.isTextual()) throw new BadField("models", "models must be an array of model aliases");
                list.add(n.asText());
            }
            models = list;
        }
        Map<String, String> metadata = k.metadata();
        if (body.has("metadata")) {
            JsonNode m = body.get("metadata");
            if (!m.isObject() && !m.isNull()) throw new BadField("metadata", "metadata must be an object of strings");
            Map<String, String> map = new LinkedHashMap<>();
            m.properties().forEach(e -> {
                if (!e.getValue().isValueNode()) throw new BadField("metadata." + e.getKey(), "metadata values must be strings");
                map.put(e.getKey(), e.getValue().asText());
            });
            metadata = map;
        }
        Instant expires = k.expires();
        if (body.has("expires")) {
            try {
                expires = body.get("expires").isNull() ? null : Instant.parse(text(body, "expires"));
            } catch (DateTimeParseException e) {
                throw new BadField("expires", "expires must be an ISO-8601 instant, e.g. 2026-12-31T23:59:59Z");
            }
        }
        LimitsConfig limits = k.limits();
        BudgetConfig budget = k.budget();
        Double maxCost = k.maxCostUsd();
        try {
            if (body.has("limits")) {
                JsonNode l = body.get("limits");
                if (!l.isObject() && !l.isNull()) throw new BadField("limits", "limits must be an object {rpm, tpm}");
                limits = l.isNull() ? LimitsConfig.NONE : new LimitsConfig(intOrNull(l, "limits.rpm"), intOrNull(l, "limits.tpm"));
            }
            if (body.has("budget")) {
                JsonNode b = body.get("budget");
                if (!b.isObject() && !b.isNull()) throw new BadField("budget", "budget must be an object {usd, period}");
                budget = b.isNull() ? null : new BudgetConfig(b.path("usd").isNumber() ? b.get("usd").asDouble() : null,
                        period(b.path("period")), null);
            }
            if (body.has("max_cost_usd")) {
                JsonNode m = body.get("max_cost_usd");
                if (!m.isNull() && (!m.isNumber() || m.asDouble() <= 0)) throw new BadField("max_cost_usd", "max_cost_usd must be a number > 0");
                maxCost = m.isNull() ? null : m.asDouble();
            }
        } catch (ConfigException e) {
            throw new BadField(e.field(), e.getMessage());
        }
        return new VirtualKey(k.id(), k.hashUnsafe(), k.source(), team, models, metadata, limits, budget, maxCost, expires,
                k.revoked(), k.created());
    }

    private static BudgetConfig.@Nullable Period period(JsonNode p) {
        if (p.isMissingNode() || p.isNull()) return null;
        try {
            return BudgetConfig.Period.valueOf(p.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadField("budget.period", "budget.period must be daily, weekly, monthly or total");
        }
    }

    private static @Nullable Integer intOrNull(JsonNode parent, String field) {
        JsonNode n = parent.get(field.substring(field.indexOf('.') + 1));
        if (n == null || n.isNull()) return null;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new BadField(field, field + " must be a whole number");
        return n.asInt();
    }

    private static String text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) throw new BadField(field, field + " must be a string");
        return n.asText();
    }

    private static ObjectNode body(AdminRequest req) {
        if (req.body().length == 0) return Json.object();
        try {
            JsonNode n = Json.parse(req.body());
            if (!(n instanceof ObjectNode o)) throw new BadField("body", "the body must be a JSON object");
            return o;
        } catch (IOException e) {
            throw new BadField("body", "the body is not valid JSON");
        }
    }

    /** The admin view of a key: never the key, at most a hash prefix. */
    static ObjectNode view(VirtualKey k) {
        ObjectNode o = Json.object().put("id", k.id()).put("source", k.source().name().toLowerCase(Locale.ROOT))
                .put("key_prefix", KeyHash.displayPrefix(k.hashUnsafe()));
        o.put("team", k.team());
        var models = o.putArray("models");
        k.models().forEach(models::add);
        ObjectNode md = o.putObject("metadata");
        k.metadata().forEach(md::put);
        ObjectNode limits = o.putObject("limits");
        limits.put("rpm", k.limits().rpm());
        limits.put("tpm", k.limits().tpm());
        if (k.budget() == null) {
            o.putNull("budget");
        } else {
            o.putObject("budget").put("usd", k.budget().usd()).put("period", k.budget().period().name().toLowerCase(Locale.ROOT));
        }
        o.put("max_cost_usd", k.maxCostUsd());
        o.put("expires", k.expires() == null ? null : k.expires().toString());
        o.put("revoked", k.revoked() == null ? null : k.revoked().toString());
        o.put("created", k.created().toString());
        return o;
    }

    private static AdminResponse notFound(String id) {
        return AdminResponse.error(GatewayError.of(ErrorCode.NOT_FOUND, "No key with id '" + id + "'."));
    }

    private static CompletionStage<AdminResponse> done(AdminResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
