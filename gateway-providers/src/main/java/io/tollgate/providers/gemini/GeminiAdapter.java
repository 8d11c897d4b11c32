package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
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
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Gemini, on the Google AI API ({@code generativelanguage.googleapis.com}, {@code type: gemini}) or on
 * Vertex AI ({@code type: vertex-ai}): the {@link GeminiEndpoint} says where and with which credentials.
 * Chat Completions are translated to {@code generateContent} / {@code streamGenerateContent?alt=sse},
 * embeddings to the platform's method ({@link GeminiEmbeddings}); answers come back in OpenAI's shapes.
 */
public final class GeminiAdapter implements ProviderAdapter {

    private final String name;
    private final GeminiEndpoint endpoint;
    private final Map<String, String> extraHeaders;
    private final Clock clock;

    /** The Google AI API with an API key. */
    public GeminiAdapter(String name, @Nullable String baseUrl, String apiKey, Map<String, String> extraHeaders, Clock clock) {
        this(name, new GoogleAiEndpoint(baseUrl, apiKey), extraHeaders, clock);
    }

    GeminiAdapter(String name, GeminiEndpoint endpoint, Map<String, String> extraHeaders, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(ApiKind api) {
        return api == ApiKind.CHAT_COMPLETIONS || api == ApiKind.EMBEDDINGS;
    }

    @Override
    public boolean isEnabled() {
        return endpoint.isEnabled();
    }

    @Override
    public @Nullable String missingCredential() {
        return endpoint.missingCredential();
    }

    @Override
    public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) {
        MutableHeaders headers = MutableHeaders.of("content-type", "application/json");
        endpoint.authorize(headers);
        extraHeaders.forEach(headers::set);
        if (request.api() == ApiKind.EMBEDDINGS) {
            GeminiEmbeddings embeddings = endpoint.embeddings();
            return UpstreamRequest.post(endpoint.uri(upstreamModel, embeddings.method), headers,
                    Json.bytes(embeddings.request(request.json(), upstreamModel)));
        }
        String method = request.stream() ? "streamGenerateContent?alt=sse" : "generateContent";
        return UpstreamRequest.post(endpoint.uri(upstreamModel, method), headers, Json.bytes(GeminiRequestTranslator.chat(request.json(), endpoint.images())));
    }

    @Override
    public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
        JsonNode json;
        try {
            json = Json.parseAnswer(body);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Gemini answered " + status + " with a body that is not JSON.", FailureClass.SERVER_ERROR, null));
        }
        if (request.api() == ApiKind.EMBEDDINGS) {
            return endpoint.embeddings().answer(status, json, request.model());
        }
        String blocked = json.path("promptFeedback").path("blockReason").asText("");
        if (!blocked.isEmpty()) {
            throw new GatewayException(GeminiErrors.promptBlocked(blocked));
        }
        TokenUsage usage = GeminiResponses.usage(json.path("usageMetadata"));
        return GatewayResponse.json(status, GeminiResponses.toChatCompletion(json, usage, clock.instant().getEpochSecond(), request.model()), usage);
    }

    @Override
    public StreamTranslator streamTranslator(GatewayRequest request) {
        boolean clientWantsUsage = request.json().path("stream_options").path("include_usage").asBoolean(false);
        return new GeminiStreamTranslator(clientWantsUsage, clock.instant().getEpochSecond(), request.model());
    }

    @Override
    public GatewayError toError(int status, Headers headers, byte[] body) {
        return GeminiErrors.toError(status, headers, body);
    }
}
