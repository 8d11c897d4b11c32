package io.tollgate.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.core.config.CacheConfig;
import io.tollgate.core.config.SemanticCacheConfig;
import io.tollgate.core.model.GatewayRequest;
import io.tollgate.core.model.Json;
import io.tollgate.core.model.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the semantic cache compares: the text of a chat request's last user turn, and the context it
 * is asked in. The context is a hash of everything else that can change the answer (scope, the
 * embedding model, and the body without that turn's content: alias, system prompt, earlier turns,
 * tools, sampling and format parameters), so a paraphrase is only ever matched against questions
 * asked in exactly the same conversation.
 *
 * @param context hex SHA-256 of the scope, the embedding alias and the body without the last turn's content
 * @param text    the last user turn's text
 * @param settings the alias's semantic cache settings
 */
record SemanticQuestion(String context, String text, SemanticCacheConfig settings) {

    /**
     * The question of {@code request}, or null when the semantic cache does not apply: the last
     * message is not the user's (a tool result, an assistant prefill), or it carries anything but
     * text (images, audio, files), or no text at all.
     */
    static @Nullable SemanticQuestion of(GatewayRequest request, Principal principal, CacheConfig.Scope scope, SemanticCacheConfig settings) {
        ArrayNode messages = request.messages();
        if (messages.isEmpty() || !(messages.get(messages.size() - 1) instanceof ObjectNode last)
                || !"user".equals(last.path("role").asText())) {
            return null;
        }
        String text = textOf(last.get("content"));
        if (text == null || text.isBlank()) {
            return null;
        }
        // A shallow copy: the request's tree is shared, never changed.
        ObjectNode context = Json.object();
        context.setAll(request.json());
        ArrayNode earlier = context.putArray("messages");
        for (int i = 0; i < messages.size() - 1; i++) {
            earlier.add(messages.get(i));
        }
        ObjectNode lastWithoutContent = Json.object();
        lastWithoutContent.setAll(last);
        lastWithoutContent.remove("content");
        earlier.add(lastWithoutContent);
        String hash = CacheKey.digest(List.of("semantic", CacheKey.scopeOf(principal, scope), request.api().name(), settings.embeddingModel()), context);
        return new SemanticQuestion(hash, text.strip(), settings);
    }

    /** A string, or an array of text parts joined by newlines; null if any part is not text. */
    private static @Nullable String textOf(@Nullable JsonNode content) {
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                return null;
            }
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(part.get("text").asText());
        }
        return sb.toString();
    }
}
