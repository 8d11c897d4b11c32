package io.tollgate.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Headers;
import io.tollgate.core.model.RequestRecord;
import java.util.Iterator;
import java.util.Map;

/**
 * Cost-allocation metadata (SPEC §3): {@code x-gateway-user} or body {@code user}, and tags from
 * {@code x-gateway-tags: k=v,k=v} and body {@code metadata}. Ledger dimensions, never metric tags.
 */
final class Attribution {

    static final int MAX_TAGS = 32;
    static final int MAX_LENGTH = 256;

    private Attribution() {}

    static void apply(Headers headers, GatewayRequest request, RequestRecord record) {
        String user = headers.get("x-gateway-user");
        if (user == null) {
            user = request.user();
        }
        if (user != null && !user.isBlank()) {
            record.user(clip(user));
        }
        JsonNode metadata = request.json().get("metadata");
        if (metadata != null && metadata.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext() && record.tags().size() < MAX_TAGS; ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode()) {
                    record.tags().put(clip(e.getKey()), clip(e.getValue().asText()));
                }
            }
        }
        String tags = headers.get("x-gateway-tags");
        if (tags != null) {
            for (String pair : tags.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && record.tags().size() < MAX_TAGS) {
                    record.tags().put(clip(pair.substring(0, eq).trim()), clip(pair.substring(eq + 1).trim()));
                }
            }
        }
    }

    private static String clip(String s) {
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH);
    }
}
