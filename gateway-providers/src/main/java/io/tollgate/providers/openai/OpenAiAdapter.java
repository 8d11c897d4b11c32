package io.tollgate.providers.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.GatewayResponse;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.core.upstream.UpstreamRequest;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * OpenAI and every server that speaks its API. Requests are canonical already, so the body passes
 * through with only the upstream model substituted (plus the stream-usage option and the server's
 * quirks); answers pass through with usage read out for metering.
 *
 * <p>The client's {@link GatewayRequest} is never modified: a retry may send it to another provider.
 * When the body must change, a shallow copy of the top-level object is edited and serialized, so the
 * client's nested nodes are shared, not cloned.
 */
public final class OpenAiAdapter implements ProviderAdapter {

    private final String name;
    private final OpenAiEndpoint endpoint;
    private final Map<String, String> extraHeaders;
    private final OpenAiQuirks quirks;
    private final Set<ApiKind> apis;
    private final boolean enabled;

    public OpenAiAdapter(String name, OpenAiEndpoint endpoint, Map<String, String> extraHeaders, OpenAiQuirks quirks,
                         Set<ApiKind> apis, boolean enabled) {
        this.name = Objects.requireNonNull(name, "name");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.quirks = Objects.requireNonNull(quirks, "quirks");
        this.apis = apis.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(apis));
        this.enabled = enabled;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(ApiKind api) {
        return apis.contains(api);
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) {
        MutableHeaders headers = MutableHeaders.of("content-type", "application/json");
        if (request.stream()) {
            headers.add("accept", "text/event-stream");
        }
        extraHeaders.forEach(headers::set);
        endpoint.authenticate(headers);
        return UpstreamRequest.post(endpoint.uri(request.api(), upstreamModel), headers, body(request, upstreamModel));
    }

    /** The upstream body: the client's bytes when nothing has to change. */
    byte[] body(GatewayRequest request, String upstreamModel) {
        ObjectNode json = request.json();
        boolean modelDiffers = !upstreamModel.equals(request.model());
        boolean addUsage = injectsStreamUsage(request);
        boolean dropOptions = !quirks.streamUsage() && json.has("stream_options");
        boolean dropParams = false;
        for (String p : quirks.dropParams()) {
            if (json.has(p)) {
                dropParams = true;
                break;
            }
        }
        if (!modelDiffers && !addUsage && !dropOptions && !dropParams) {
            return request.bytes();
        }
        ObjectNode copy = Json.object();
        copy.setAll(json);   // shallow: only top-level fields are replaced below, never mutated
        copy.put("model", upstreamModel);
        if (addUsage) {
            ObjectNode options = Json.object();
            if (json.get("stream_options") instanceof ObjectNode clientOptions) {
                options.setAll(clientOptions);
            }
            options.put("include_usage", true);
            copy.set("stream_options", options);
        }
        if (dropOptions) {
            copy.remove("stream_options");
        }
        copy.remove(quirks.dropParams());
        return Json.bytes(copy);
    }

    /**
     * True when the gateway adds {@code stream_options.include_usage} to a streamed chat or
     * completions request whose client did not ask for it, so usage can be metered; the extra
     * chunk is then marked usage-only and not sent to the client.
     */
    public boolean injectsStreamUsage(GatewayRequest request) {
        if (!request.stream() || !quirks.streamUsage()) {
            return false;
        }
        if (request.api() != ApiKind.CHAT_COMPLETIONS && request.api() != ApiKind.COMPLETIONS) {
            return false;
        }
        return !request.json().path("stream_options").path("include_usage").asBoolean(false);
    }

    @Override
    public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
        TokenUsage usage = OpenAiUsage.fromBody(body);
        String contentType = headers.get("content-type");
        return GatewayResponse.unary(status, MutableHeaders.of("content-type", contentType == null ? "application/json" : contentType), body, usage);
    }

    @Override
    public StreamTranslator streamTranslator(GatewayRequest request) {
        return new OpenAiStreamTranslator(name, injectsStreamUsage(request), request.api() == ApiKind.RESPONSES);
    }

    @Override
    public GatewayError toError(int status, Headers headers, byte[] body) {
        return OpenAiErrors.toError(name, status, headers, body);
    }

    @Override
    public String toString() {
        return "OpenAiAdapter[" + name + "]";
    }
}
