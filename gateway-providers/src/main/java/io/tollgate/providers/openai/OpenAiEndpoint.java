package io.tollgate.providers.openai;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.MutableHeaders;
import java.net.URI;

/**
 * Where an OpenAI-shaped request goes and how it is authenticated: the one thing that differs
 * between OpenAI, its compatible servers and Azure OpenAI. Everything else is {@link OpenAiAdapter}'s.
 */
public interface OpenAiEndpoint {

    /** The absolute URI for {@code api} served by {@code model}. */
    URI uri(ApiKind api, String model);

    /** Adds credentials to {@code headers} (which already hold the configured extra headers). */
    void authenticate(MutableHeaders headers);

    /**
     * {@code <base-url>/<path>} with {@code Authorization: Bearer <key>} when a key is set; {@code baseUrl} as
     * {@link io.tollgate.core.config.BaseUrl} returns it, without a trailing slash.
     */
    static OpenAiEndpoint bearer(String baseUrl, String apiKey) {
        URI chat = URI.create(baseUrl + "/chat/completions");
        URI completions = URI.create(baseUrl + "/completions");
        URI embeddings = URI.create(baseUrl + "/embeddings");
        URI responses = URI.create(baseUrl + "/responses");
        String authorization = apiKey.isBlank() ? null : "Bearer " + apiKey;
        return new OpenAiEndpoint() {
            @Override
            public URI uri(ApiKind api, String model) {
                return switch (api) {
                    case CHAT_COMPLETIONS, MESSAGES -> chat;
                    case COMPLETIONS -> completions;
                    case EMBEDDINGS -> embeddings;
                    case RESPONSES -> responses;
                };
            }

            @Override
            public void authenticate(MutableHeaders headers) {
                if (authorization != null && !headers.contains("authorization")) {
                    headers.add("authorization", authorization);
                }
            }
        };
    }
}
