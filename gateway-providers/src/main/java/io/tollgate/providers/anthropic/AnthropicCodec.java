package io.tollgate.providers.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.api.ClientCodec;
import io.tollgate.core.api.ResponseEncoder;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.core.model.NativeBody;
import io.tollgate.providers.openai.ChatContent;
import java.io.IOException;

/**
 * Anthropic Messages inbound ({@code POST /v1/messages}). {@link #decode} checks the request, translates
 * it to the canonical chat shape for filters and non-Anthropic targets, and keeps the client's bytes as
 * a {@link NativeBody} so an Anthropic target gets them unchanged. Errors use Anthropic's envelope.
 */
public final class AnthropicCodec implements ClientCodec {

    public static final AnthropicCodec INSTANCE = new AnthropicCodec();

    /** Client headers passed upstream with the native body. */
    private static final String[] FORWARDED = {"anthropic-beta"};

    @Override
    public GatewayRequest decode(ApiKind api, byte[] body) {
        if (api != ApiKind.MESSAGES) {
            throw new IllegalArgumentException("api: " + api + " (expected: MESSAGES; OpenAI APIs use OpenAiCodec)");
        }
        if (body.length == 0) {
            throw ChatContent.invalid("The request body is empty (expected: a JSON object).", null);
        }
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (JsonProcessingException e) {
            throw ChatContent.invalid("The request body is not valid JSON: " + Json.problem(e) + ".", null);
        } catch (IOException e) {
            throw ChatContent.invalid("The request body could not be read as JSON.", null);
        }
        if (!(node instanceof ObjectNode json)) {
            throw ChatContent.invalid("The request body must be a JSON object.", null);
        }
        MessagesRequestDecoder.validate(json);
        ObjectNode canonical = MessagesRequestDecoder.toChat(json);
        return GatewayRequest.translated(ApiKind.MESSAGES, canonical, new NativeBody(NativeBody.ANTHROPIC_MESSAGES, body, new MutableHeaders()));
    }

    /**
     * Copies the client's {@code anthropic-beta} header(s) into the native body so an Anthropic target
     * receives them. The server calls this right after {@link #decode} (decode sees no headers).
     */
    @Override
    public GatewayRequest decode(ApiKind api, byte[] body, Headers clientHeaders) {
        GatewayRequest request = decode(api, body);
        forwardClientHeaders(request, clientHeaders);
        return request;
    }

    public static void forwardClientHeaders(GatewayRequest request, Headers clientHeaders) {
        NativeBody nb = request.nativeBody();
        if (nb == null) return;
        for (String name : FORWARDED) {
            java.util.List<String> values = clientHeaders.getAll(name);
            if (!values.isEmpty()) nb.forwardHeaders().set(name, String.join(",", values));
        }
    }

    @Override
    public ResponseEncoder encoder(GatewayRequest request) {
        return new MessagesResponseEncoder(request.model());
    }

    /** Anthropic's error envelope {@code {"type":"error","error":{"type","message"}}}. */
    public static ObjectNode envelope(GatewayError error) {
        ObjectNode root = Json.object().put("type", "error");
        root.putObject("error").put("type", errorType(error)).put("message", error.message());
        return root;
    }

    static String errorType(GatewayError error) {
        return switch (error.status()) {
            case 400, 402, 405, 413, 415, 422 -> error.status() == 413 ? "request_too_large" : "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> error.status() >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
