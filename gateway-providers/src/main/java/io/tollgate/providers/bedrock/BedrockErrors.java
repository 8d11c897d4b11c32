package io.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.Json;
import java.io.IOException;
import java.util.Locale;

/** Bedrock errors ({@code {"message"}} + {@code x-amzn-ErrorType}, or an event-stream exception frame) as gateway errors. */
final class BedrockErrors {

    private BedrockErrors() {}

    static GatewayError toError(int status, Headers headers, byte[] body) {
        String message = "";
        try {
            JsonNode json = Json.parseAnswer(body);
            message = json.path("message").asText(json.path("Message").asText(""));
        } catch (IOException | RuntimeException ignored) {
            // not JSON: classify by status and error type alone
        }
        String type = headers.get("x-amzn-ErrorType");
        return classify(status, type == null ? "" : type, message);
    }

    /** {@code type} may carry a suffix ("ThrottlingException:http://internal.amazon.com/...") and any case. */
    static GatewayError classify(int status, String rawType, String message) {
        int colon = rawType.indexOf(':');
        String type = (colon >= 0 ? rawType.substring(0, colon) : rawType).toLowerCase(Locale.ROOT);
        String detail = "Bedrock " + status + (rawType.isEmpty() ? "" : " " + (colon >= 0 ? rawType.substring(0, colon) : rawType))
                + (message.isEmpty() ? "" : ": " + message);
        // ModelNotReadyException arrives as a 429 but is the model warming up, not the account's quota
        if ((status == 429 && !type.equals("modelnotreadyexception")) || type.equals("throttlingexception")) {
            return GatewayError.upstream(ErrorCode.RATE_LIMIT_EXCEEDED, "Bedrock throttled the request; try again later.", FailureClass.RATE_LIMIT, null);
        }
        if (status >= 500 || type.equals("serviceunavailableexception") || type.equals("modelnotreadyexception")
                || type.equals("internalserverexception") || type.equals("modelstreamerrorexception") || type.equals("modeltimeoutexception")) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR, detail, FailureClass.SERVER_ERROR, null);
        }
        if (status == 401 || status == 403 || type.equals("accessdeniedexception") || type.equals("unrecognizedclientexception")
                || type.equals("expiredtokenexception") || type.equals("invalidsignatureexception")) {
            return GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Bedrock rejected the gateway's AWS credentials (" + status + (rawType.isEmpty() ? "" : " " + type) + ").", FailureClass.AUTH, null);
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (type.equals("validationexception") && (lower.contains("too long") || lower.contains("context")
                || (lower.contains("max") && lower.contains("token")))) {
            return new GatewayError(400, "context_length_exceeded", "invalid_request_error", message, "messages", FailureClass.CONTEXT_LENGTH, null);
        }
        int clientStatus = status >= 400 && status < 500 ? status : 400;
        String code = type.isEmpty() ? ErrorCode.UPSTREAM_CLIENT_ERROR.code() : type;
        return new GatewayError(clientStatus, code, "invalid_request_error", message.isEmpty() ? detail : message, null, FailureClass.CLIENT_ERROR, null);
    }
}
