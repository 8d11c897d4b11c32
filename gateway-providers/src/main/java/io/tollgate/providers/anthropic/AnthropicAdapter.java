package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.tollgate.core.model.NativeBody;
import io.tollgate.core.model.TokenUsage;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.StreamTranslator;
import io.tollgate.core.upstream.UpstreamRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's Messages API. Chat Completions requests are translated; Messages requests that still
 * carry the client's original body ({@link GatewayRequest#nativeBody()}) pass natively, only the model
 * replaced, and their answers come back in Anthropic's format untouched.
 */
public final class AnthropicAdapter implements ProviderAdapter {

    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    public static final String DEFAULT_VERSION = "2023-06-01";

    private final String name;
    private final URI messagesUri;
    private final String apiKey;
    private final String version;
    private final Map<String, String> extraHeaders;
    private final Clock clock;

    public AnthropicAdapter(String name, @Nullable String baseUrl, String apiKey, @Nullable String version,
                            Map<String, String> extraHeaders, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        String base = BaseUrl.orDefault(baseUrl, DEFAULT_BASE_URL);
        // accept both "https://api.anthropic.com" and ".../v1" as the base
        this.messagesUri = URI.create(base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.version = version == null || version.isBlank() ? DEFAULT_VERSION : version;
        this.extraHeaders = Map.copyOf(extraHeaders);
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(ApiKind api) {
        return api == ApiKind.CHAT_COMPLETIONS || api == ApiKind.MESSAGES;
    }

    @Override
    public boolean isEnabled() {
        return !apiKey.isBlank();
    }

    /** True when the request passes in Anthropic's own format both ways. */
    static boolean isNative(GatewayRequest request) {
        NativeBody nb = request.nativeBody();
        return request.api() == ApiKind.MESSAGES && nb != null && nb.is(NativeBody.ANTHROPIC_MESSAGES);
    }

    @Override
    public UpstreamRequest toUpstream(GatewayRequest request, String upstreamModel) {
        MutableHeaders headers = MutableHeaders.of(
                "content-type", "application/json",
                "x-api-key", apiKey,
                "anthropic-version", version);
        extraHeaders.forEach(headers::set);
        byte[] body;
        NativeBody nb = request.nativeBody();
        if (isNative(request) && nb != null) {
            nb.forwardHeaders().forEach(headers::set);
            body = withModel(nb.body(), upstreamModel);
        } else {
            body = Json.bytes(AnthropicRequestTranslator.translate(request.json(), upstreamModel));
        }
        return UpstreamRequest.post(messagesUri, headers, body);
    }

    private static byte[] withModel(byte[] original, String upstreamModel) {
        try {
            ObjectNode json = (ObjectNode) Json.parse(original);
            json.put("model", upstreamModel);
            return Json.bytes(json);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("native Anthropic body was validated by AnthropicCodec and must parse", e);
        }
    }

    @Override
    public GatewayResponse fromUpstream(GatewayRequest request, int status, Headers headers, byte[] body) {
        JsonNode message;
        try {
            message = Json.parseAnswer(body);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Anthropic answered " + status + " with a body that is not JSON.", FailureClass.SERVER_ERROR, null));
        }
        TokenUsage usage = AnthropicUsage.of(message.path("usage"));
        if (isNative(request)) {
            return GatewayResponse.unary(status, MutableHeaders.of("content-type", "application/json"), body, usage);
        }
        return GatewayResponse.json(status, toChatCompletion(message, usage, clock.instant().getEpochSecond()), usage);
    }

    static ObjectNode toChatCompletion(JsonNode message, TokenUsage usage, long created) {
        ObjectNode out = Json.object();
        out.put("id", message.path("id").asText(""));
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", message.path("model").asText(""));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function")
                            .put("name", block.path("name").asText())
                            .put("arguments", Json.string(block.path("input").isMissingNode() ? Json.object() : block.get("input")));
                }
                default -> { }   // thinking / redacted_thinking / server tool blocks: no chat equivalent
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) msg.putNull("content");
        else msg.put("content", text.toString());
        if (!calls.isEmpty()) msg.set("tool_calls", calls);
        String stop = message.path("stop_reason").asText("end_turn");
        if ("refusal".equals(stop)) msg.put("refusal", text.isEmpty() ? "The model refused to answer." : text.toString());
        choice.put("finish_reason", AnthropicUsage.finishReason(stop));
        out.set("usage", AnthropicUsage.toOpenAi(usage));
        return out;
    }

    @Override
    public StreamTranslator streamTranslator(GatewayRequest request) {
        boolean clientWantsUsage = request.json().path("stream_options").path("include_usage").asBoolean(false);
        return new AnthropicStreamTranslator(isNative(request), clientWantsUsage, clock.instant().getEpochSecond());
    }

    @Override
    public GatewayError toError(int status, Headers headers, byte[] body) {
        return AnthropicErrors.toError(status, headers, body);
    }
}
