package io.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Google AI (Gemini API, {@code generativelanguage.googleapis.com}). Chat Completions are translated
 * to {@code generateContent} / {@code streamGenerateContent?alt=sse}, embeddings to
 * {@code batchEmbedContents}; answers come back in OpenAI's shapes.
 */
public final class GeminiAdapter implements ProviderAdapter {

    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private final String name;
    private final String base;
    private final String apiKey;
    private final Map<String, String> extraHeaders;
    private final Clock clock;

    public GeminiAdapter(String name, @Nullable String baseUrl, String apiKey, Map<String, String> extraHeaders, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        String b = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.strip();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        URI.create(this.base);   // fail at config time on a malformed URL
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
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
        return !apiKey.isBlank();
    }

    @Override
    public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) {
        MutableHeaders headers = MutableHeaders.of("content-type", "application/json", "x-goog-api-key", apiKey);
        extraHeaders.forEach(headers::set);
        String model = modelPath(upstreamModel);
        if (request.api() == ApiKind.EMBEDDINGS) {
            return UpstreamRequest.post(URI.create(base + "/" + model + ":batchEmbedContents"), headers,
                    Json.bytes(GeminiRequestTranslator.embeddings(request.json(), stripPrefix(upstreamModel))));
        }
        String method = request.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent";
        return UpstreamRequest.post(URI.create(base + "/" + model + method), headers, Json.bytes(GeminiRequestTranslator.chat(request.json())));
    }

    /** {@code models/<id>}, the id URL-encoded; a configured {@code models/...} or {@code tunedModels/...} name is kept. */
    static String modelPath(String upstreamModel) {
        int slash = upstreamModel.indexOf('/');
        if (slash > 0) {
            return upstreamModel.substring(0, slash) + "/" + URLEncoder.encode(upstreamModel.substring(slash + 1), StandardCharsets.UTF_8);
        }
        return "models/" + URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8);
    }

    private static String stripPrefix(String model) {
        return model.startsWith("models/") ? model.substring(7) : model;
    }

    @Override
    public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Gemini answered " + status + " with a body that is not JSON.", FailureClass.SERVER_ERROR, null));
        }
        if (request.api() == ApiKind.EMBEDDINGS) {
            return GatewayResponse.json(status, toEmbeddings(json, request.model()), null);
        }
        String blocked = json.path("promptFeedback").path("blockReason").asText("");
        if (!blocked.isEmpty()) {
            throw new GatewayException(GeminiErrors.promptBlocked(blocked));
        }
        TokenUsage usage = GeminiResponses.usage(json.path("usageMetadata"));
        return GatewayResponse.json(status, GeminiResponses.toChatCompletion(json, usage, clock.instant().getEpochSecond(), request.model()), usage);
    }

    /** Gemini reports no token counts for embeddings: usage is zero in the body and unmetered (null). */
    static ObjectNode toEmbeddings(JsonNode batch, String model) {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int i = 0;
        for (JsonNode e : batch.path("embeddings")) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i++);
            item.set("embedding", e.path("values").isArray() ? e.get("values") : Json.NODES.arrayNode());
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", 0).put("total_tokens", 0);
        return out;
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
