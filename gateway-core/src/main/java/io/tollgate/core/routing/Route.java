package io.tollgate.core.routing;

import io.tollgate.core.config.ModelConfig;
import io.tollgate.core.model.ApiKind;
import java.util.List;
import java.util.stream.Collectors;

/** An alias of one config version: its settings, its targets and how it picks among them. */
public record Route(String alias, ModelConfig config, List<Target> targets, RoutingStrategy strategy) {

    public Route {
        targets = List.copyOf(targets);
    }

    /** Targets whose provider has its credentials and can serve {@code api}, in config order. */
    public List<Target> servable(ApiKind api) {
        for (Target t : targets) {
            if (!servable(t, api)) {
                return targets.stream().filter(s -> servable(s, api)).toList();
            }
        }
        return targets; // the usual case, on every request: no copy
    }

    private static boolean servable(Target t, ApiKind api) {
        return t.adapter().isEnabled() && apiFor(t, api) != null;
    }

    /**
     * The API {@code t} is called with for a client request on {@code api}: {@code api} itself when the
     * provider speaks it; chat for a {@code /v1/messages} request to a chat-only provider (the
     * canonical body is chat already; the response encoder translates back); null when it cannot serve it.
     */
    static @org.jspecify.annotations.Nullable ApiKind apiFor(Target t, ApiKind api) {
        if (t.adapter().supports(api)) {
            return api;
        }
        if (api == ApiKind.MESSAGES && t.adapter().supports(ApiKind.CHAT_COMPLETIONS)) {
            return ApiKind.CHAT_COMPLETIONS;
        }
        return null;
    }

    /** True when at least one target's provider is enabled. */
    public boolean anyEnabled() {
        for (Target t : targets) {   // a loop, not a stream: every request asks
            if (t.adapter().isEnabled()) {
                return true;
            }
        }
        return false;
    }

    /** The providers of this alias, for messages: {@code openai, anthropic}. */
    public String providerNames() {
        return targets.stream().map(Target::provider).distinct().collect(Collectors.joining(", "));
    }
}
