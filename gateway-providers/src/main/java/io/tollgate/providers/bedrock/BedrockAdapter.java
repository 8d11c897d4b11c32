package io.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.config.BaseUrl;
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
 * AWS Bedrock through the Converse API ({@code /model/<id>/converse} and {@code /converse-stream}):
 * one request shape for every model family on Bedrock; embeddings through {@code /model/<id>/invoke}
 * with the model family's own body ({@link BedrockEmbeddings}). Requests are SigV4-signed with AWS's signer.
 */
public final class BedrockAdapter implements ProviderAdapter {

    public static final String DEFAULT_REGION = "us-east-1";

    private final String name;
    private final String base;
    private final @Nullable BedrockSigner signer;
    private final Map<String, String> extraHeaders;
    private final Clock clock;

    public BedrockAdapter(String name, @Nullable String baseUrl, @Nullable String region, String accessKeyId, String secretAccessKey,
                          String sessionToken, Map<String, String> extraHeaders, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        String r = region == null || region.isBlank() ? DEFAULT_REGION : region.strip();
        this.base = BaseUrl.orDefault(baseUrl, "https://bedrock-runtime." + r + ".amazonaws.com");
        this.signer = accessKeyId.isBlank() || secretAccessKey.isBlank() ? null
                : new BedrockSigner(accessKeyId, secretAccessKey, sessionToken, r, clock);
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
        return signer != null;
    }

    @Override
    public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) {
        BedrockSigner s = signer;
        if (s == null) {
            throw new IllegalStateException("provider '" + name + "' has no AWS credentials and is disabled");
        }
        MutableHeaders headers = MutableHeaders.of("content-type", "application/json");
        headers.set("accept", request.stream() ? "application/vnd.amazon.eventstream" : "application/json");
        extraHeaders.forEach(headers::set);
        // model ids contain ':' (anthropic.claude-3-5-haiku-20241022-v1:0) and ARNs contain '/': one path segment
        String model = base + "/model/" + URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8).replace("+", "%20");
        if (request.api() == ApiKind.EMBEDDINGS) {
            byte[] body = Json.bytes(BedrockEmbeddings.request(request.json(), upstreamModel));
            return s.sign(UpstreamRequest.post(URI.create(model + "/invoke"), headers, body));
        }
        URI uri = URI.create(model + (request.stream() ? "/converse-stream" : "/converse"));
        byte[] body = Json.bytes(BedrockRequestTranslator.translate(request.json()));
        return s.sign(UpstreamRequest.post(uri, headers, body));
    }

    @Override
    public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
        JsonNode json;
        try {
            json = Json.parseAnswer(body);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Bedrock answered " + status + " with a body that is not JSON.", FailureClass.SERVER_ERROR, null));
        }
        if (request.api() == ApiKind.EMBEDDINGS) {
            TokenUsage usage = BedrockEmbeddings.usage(json, headers);
            return GatewayResponse.json(status, BedrockEmbeddings.toOpenAi(json, usage, request.model()), usage);
        }
        TokenUsage usage = BedrockResponses.usage(json.path("usage"));
        String requestId = headers.get("x-amzn-RequestId");
        return GatewayResponse.json(status, BedrockResponses.toChatCompletion(json, usage, clock.instant().getEpochSecond(),
                request.model(), "chatcmpl-" + (requestId == null ? "bedrock" : requestId)), usage);
    }

    @Override
    public StreamTranslator streamTranslator(GatewayRequest request) {
        boolean clientWantsUsage = request.json().path("stream_options").path("include_usage").asBoolean(false);
        return new BedrockStreamTranslator(clientWantsUsage, clock.instant().getEpochSecond(), request.model());
    }

    @Override
    public GatewayError toError(int status, Headers headers, byte[] body) {
        return BedrockErrors.toError(status, headers, body);
    }
}
