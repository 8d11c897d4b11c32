package io.tollgate.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.filter.Exchange;
import io.tollgate.core.filter.FilterDecision;
import io.tollgate.core.filter.GatewayFilter;
import io.tollgate.core.filter.ResponseHook;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.Completion;
import io.tollgate.core.model.RequestRecord;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Prompt-version injection (SPEC §3): renders the referenced version, puts its messages before the
 * client's, applies its model alias and parameters where the client set none, strips {@code prompt}
 * and tags the response and the record with {@code id@version}.
 */
final class PromptFilter implements GatewayFilter {

    private final PromptService service;
    private final PromptMeters meters;

    PromptFilter(PromptService service, PromptMeters meters) {
        this.service = service;
        this.meters = meters;
    }

    @Override
    public CompletionStage<FilterDecision> onRequest(Exchange ex) {
        JsonNode body = vendorOwnsPromptField(ex.api()) ? null : ex.request().json().get("prompt");
        String header = ex.requestHeaders().get(PromptReference.HEADER);
        if (body == null && header == null) {
            return FilterDecision.proceed();
        }
        try {
            if (ex.api() != ApiKind.CHAT_COMPLETIONS && ex.api() != ApiKind.MESSAGES) {
                throw new GatewayException(GatewayError.invalidRequest(
                        "Prompt references work on /v1/chat/completions and /v1/messages only.",
                        body != null ? "prompt" : PromptReference.HEADER));
            }
            PromptReference ref = PromptReference.from(body, header);
            if (ref == null) {
                // "prompt": null - nothing to inject, but upstreams must not see the field
                ex.request().edit().remove("prompt");
                return FilterDecision.proceed();
            }
            PromptVersion version = resolve(ref, stickyKey(ex));
            ArrayNode rendered = version.render(ref.variables());
            inject(ex, version, rendered);
            ex.responseHeader(PromptReference.HEADER, version.ref());
            ex.record().prompt(version.promptId(), version.version(), version.hash());
            meters.requested(version);
            return FilterDecision.proceed(new StatsHook(service, meters, version));
        } catch (GatewayException e) {
            return FilterDecision.reject(e.error());
        }
    }

    /**
     * Where the vendor's own request schema has a {@code prompt} field, it is theirs and passes through:
     * the text of {@code /v1/completions}, OpenAI's stored-prompt object on {@code /v1/responses}.
     * Only the header can name a gateway prompt there, and is refused.
     */
    private static boolean vendorOwnsPromptField(ApiKind api) {
        return api == ApiKind.COMPLETIONS || api == ApiKind.RESPONSES;
    }

    private PromptVersion resolve(PromptReference ref, String stickyKey) {
        PromptDefinition d = service.definition(ref.id());
        if (ref.version() != null) {
            return service.version(d, ref.version());
        }
        if (ref.label() != null) {
            return service.resolveLabel(d, ref.label(), stickyKey);
        }
        return d.versions().lastEntry().getValue();
    }

    /** The A/B split is sticky per end user when known, else per calling key. */
    static String stickyKey(Exchange ex) {
        String user = ex.record().user();
        if (user == null) {
            user = ex.requestHeaders().get("x-gateway-user");
        }
        if (user == null) {
            user = ex.request().user();
        }
        return user != null ? "user:" + user : "key:" + ex.principal().keyId();
    }

    private static void inject(Exchange ex, PromptVersion version, ArrayNode rendered) {
        ObjectNode json = ex.request().edit();
        json.remove("prompt");
        JsonNode clientMessages = json.get("messages");
        if (clientMessages instanceof ArrayNode a) {
            rendered.addAll(a);
        }
        json.set("messages", rendered);
        if (version.model() != null && (!json.hasNonNull("model") || json.get("model").asText().isEmpty())) {
            json.put("model", version.model());
        }
        for (Map.Entry<String, JsonNode> p : version.params().properties()) {
            if (!json.has(p.getKey())) {
                json.set(p.getKey(), p.getValue().deepCopy());
            }
        }
    }

    /** Feeds per-version stats and meters once the request is over. */
    private record StatsHook(PromptService service, PromptMeters meters, PromptVersion version) implements ResponseHook {
        @Override
        public void onComplete(Exchange ex, Completion completion) {
            RequestRecord r = ex.record();
            long latency = r.durationNanos() > 0 ? r.durationNanos() : ex.ticker().read() - r.startNanos();
            service.stats().record(version.promptId(), version.version(), completion.isSuccess(), latency,
                    r.costUsd(), r.usage().inputTokens(), r.usage().outputTokens());
            meters.completed(version, latency, r);
        }
    }
}
