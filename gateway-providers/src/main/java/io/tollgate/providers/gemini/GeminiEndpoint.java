package io.tollgate.providers.gemini;

import io.tollgate.core.model.MutableHeaders;
import java.net.URI;

/**
 * Where a Gemini-protocol call goes and how it is authorized: the Google AI API (an API key) or
 * Vertex AI (a project, a location and an OAuth2 bearer token). The request and answer bodies are
 * the same for both, so {@link GeminiAdapter} translates once for either.
 */
interface GeminiEndpoint {

    /** The URL of {@code method} ({@code generateContent}, {@code streamGenerateContent?alt=sse}, ...) for {@code model}. */
    URI uri(String model, String method);

    /** Adds the credentials; throws a {@link io.tollgate.core.error.GatewayException} when there are none yet. */
    void authorize(MutableHeaders headers);

    boolean isEnabled();

    /** See {@link io.tollgate.core.provider.ProviderAdapter#missingCredential()}. */
    default @org.jspecify.annotations.Nullable String missingCredential() {
        return null;
    }

    /** Which remote image URIs the platform fetches itself, and how user parts are written there. */
    GeminiImages images();

    /** How the platform embeds text. */
    GeminiEmbeddings embeddings();
}
