package io.tollgate.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.api.OpenAiCodec;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.model.Json;
import java.nio.charset.StandardCharsets;

/** An admin answer: JSON, CSV or text. Errors use the SPEC envelope like every other answer. */
public record AdminResponse(int status, String contentType, byte[] body) {

    public static AdminResponse json(int status, JsonNode json) {
        return new AdminResponse(status, "application/json", Json.bytes(json));
    }

    public static AdminResponse ok(JsonNode json) {
        return json(200, json);
    }

    public static AdminResponse text(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static AdminResponse error(GatewayError error) {
        return json(error.status(), OpenAiCodec.envelope(error));
    }
}
