package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.admin.AdminRequest;
import io.tollgate.core.admin.AdminResponse;
import io.tollgate.core.admin.AdminRoutes;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code /admin/prompts...}: list and inspect prompts with file and runtime labels, move a label
 * (audited, persisted), render without calling a model, compare two versions' stats.
 */
final class PromptAdmin {

    static final String WHO_HEADER = "x-gateway-admin-user";

    private final PromptService service;
    private final Clock clock;

    PromptAdmin(PromptService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/prompts", sync(r -> list()));
        routes.add("GET", "/admin/prompts/{id}", r -> guarded(() -> detail(service.definition(r.pathParams().get("id")))));
        routes.add("POST", "/admin/prompts/{id}/render", sync(this::render));
        routes.add("GET", "/admin/prompts/{id}/compare", sync(this::compare));
        routes.add("PUT", "/admin/prompts/{id}/labels/{label}", r -> guarded(() -> moveLabel(r, false)));
        routes.add("DELETE", "/admin/prompts/{id}/labels/{label}", r -> guarded(() -> moveLabel(r, true)));
    }

    private ObjectNode list() {
        ObjectNode root = Json.object();
        ArrayNode prompts = root.putArray("prompts");
        service.registry().all().values().forEach(d -> prompts.add(summary(d)));
        if (service.lastReloadError() != null) {
            root.put("reload_error", service.lastReloadError());
        }
        return root;
    }

    private ObjectNode summary(PromptDefinition d) {
        ObjectNode n = Json.object().put("id", d.id()).put("file", d.file().toString());
        ArrayNode versions = n.putArray("versions");
        d.versions().values().forEach(v -> versions.addObject().put("version", v.version()).put("hash", v.hash()).put("model", v.model()));
        ObjectNode labels = n.putObject("labels");
        java.util.Set<String> names = new java.util.TreeSet<>(d.labels().keySet());
        names.addAll(service.overrides().of(d.id()).keySet());
        for (String label : names) {
            Integer override = service.overrides().get(d.id(), label);
            ObjectNode l = labels.putObject(label);
            putNullable(l, "file", d.labels().get(label));
            putNullable(l, "override", override);
            putNullable(l, "effective", service.labelTarget(d, label));
        }
        if (d.split() != null) {
            ObjectNode s = n.putObject("split").put("label", d.split().label())
                    .put("active", service.overrides().get(d.id(), d.split().label()) == null);
            ObjectNode w = s.putObject("weights");
            d.split().weights().forEach((v, weight) -> w.put(Integer.toString(v), weight));
        }
        return n;
    }

    /** The summary, every version in full, and the audit trail, which is read from the database. */
    private CompletionStage<AdminResponse> detail(PromptDefinition d) {
        ObjectNode n = summary(d);
        ArrayNode versions = n.putArray("versions");
        for (PromptVersion v : d.versions().values()) {
            ObjectNode o = versions.addObject().put("version", v.version()).put("hash", v.hash()).put("model", v.model());
            o.set("params", v.params());
            ArrayNode m = o.putArray("messages");
            v.messages().forEach(x -> m.addObject().put("role", x.role()).put("content", x.content()));
        }
        return service.overrides().audit(d.id()).handle((entries, err) -> {
            if (err != null) {
                return AdminResponse.error(GatewayError.internal("the ledger database (reading the label audit)"));
            }
            ArrayNode audit = n.putArray("audit");
            entries.forEach(a -> audit.add(LabelOverrides.toJson(a)));
            return AdminResponse.ok(n);
        });
    }

    private ObjectNode render(AdminRequest r) {
        PromptDefinition d = service.definition(r.pathParams().get("id"));
        JsonNode body = parse(r);
        ObjectNode ref = body.deepCopy();
        ref.put("id", d.id());
        PromptReference pr = PromptReference.from(ref, null);
        String sticky = body.hasNonNull("user") ? "user:" + body.get("user").asText() : "key:admin";
        PromptVersion v = pr.version() != null ? service.version(d, pr.version())
                : pr.label() != null ? service.resolveLabel(d, pr.label(), sticky)
                : d.versions().lastEntry().getValue();
        ObjectNode out = Json.object().put("prompt", d.id()).put("version", v.version()).put("hash", v.hash()).put("model", v.model());
        out.set("params", v.params());
        out.set("messages", v.render(pr.variables()));
        return out;
    }

    private ObjectNode compare(AdminRequest r) {
        PromptDefinition d = service.definition(r.pathParams().get("id"));
        ObjectNode out = Json.object().put("prompt", d.id())
                .put("scope", "this process since start; the ledger holds the durable history");
        for (String side : new String[] {"a", "b"}) {
            String raw = r.queryParam(side);
            if (raw == null || !raw.matches("\\d{1,9}")) {
                throw new GatewayException(GatewayError.invalidRequest("Query parameter '" + side + "' must be a version number.", side));
            }
            out.set(side, service.stats().snapshot(d.id(), service.version(d, Integer.parseInt(raw)).version()));
        }
        return out;
    }

    private CompletionStage<AdminResponse> moveLabel(AdminRequest r, boolean clear) {
        PromptDefinition d = service.definition(r.pathParams().get("id"));
        String label = r.pathParams().get("label");
        Integer to = null;
        if (!clear) {
            JsonNode v = parse(r).get("version");
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new GatewayException(GatewayError.invalidRequest("Body must be {\"version\": N}.", "version"));
            }
            to = service.version(d, v.asInt()).version();
        }
        Integer from = service.labelTarget(d, label);
        String who = r.headers().get(WHO_HEADER) == null ? "admin" : r.headers().get(WHO_HEADER);
        return service.overrides().move(d.id(), label, to, from, who, clock.instant()).handle((entry, err) -> {
            if (err != null) {
                return AdminResponse.error(GatewayError.internal("the ledger database (the label was not moved)"));
            }
            ObjectNode out = LabelOverrides.toJson(entry);
            putNullable(out, "effective", service.labelTarget(d, label));
            return AdminResponse.ok(out);
        });
    }

    private static JsonNode parse(AdminRequest r) {
        if (r.body().length == 0) {
            return Json.object();
        }
        try {
            JsonNode n = Json.parse(r.body());
            if (!n.isObject()) {
                throw new GatewayException(GatewayError.invalidRequest("Body must be a JSON object.", null));
            }
            return n;
        } catch (IOException e) {
            throw new GatewayException(GatewayError.invalidRequest("Body is not valid JSON.", null));
        }
    }

    private static void putNullable(ObjectNode n, String field, Integer value) {
        if (value == null) n.putNull(field); else n.put(field, value);
    }

    private static io.tollgate.core.admin.AdminHandler sync(Function<AdminRequest, JsonNode> f) {
        return r -> guarded(() -> CompletableFuture.completedFuture(AdminResponse.ok(f.apply(r))));
    }

    private static CompletionStage<AdminResponse> guarded(java.util.function.Supplier<CompletionStage<AdminResponse>> s) {
        try {
            return s.get();
        } catch (GatewayException e) {
            return CompletableFuture.completedFuture(AdminResponse.error(e.error()));
        }
    }
}
