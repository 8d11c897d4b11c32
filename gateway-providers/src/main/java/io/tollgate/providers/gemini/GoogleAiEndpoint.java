package io.tollgate.providers.gemini;

import io.tollgate.core.config.BaseUrl;
import io.tollgate.core.model.MutableHeaders;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The Google AI Gemini API: {@code <base>/models/<model>:<method>} with the {@code x-goog-api-key} header. */
final class GoogleAiEndpoint implements GeminiEndpoint {

    static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    private final String base;
    private final String apiKey;

    GoogleAiEndpoint(@Nullable String baseUrl, String apiKey) {
        this.base = BaseUrl.orDefault(baseUrl, DEFAULT_BASE_URL);
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    @Override
    public URI uri(String model, String method) {
        return URI.create(base + "/" + modelPath(model) + ":" + method);
    }

    /** {@code models/<id>}, the id URL-encoded; a configured {@code models/...} or {@code tunedModels/...} name is kept. */
    static String modelPath(String upstreamModel) {
        int slash = upstreamModel.indexOf('/');
        if (slash > 0) {
            return upstreamModel.substring(0, slash) + "/" + URLEncoder.encode(upstreamModel.substring(slash + 1), StandardCharsets.UTF_8);
        }
        return "models/" + URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8);
    }

    @Override
    public void authorize(MutableHeaders headers) {
        headers.set("x-goog-api-key", apiKey);
    }

    @Override
    public boolean isEnabled() {
        return !apiKey.isBlank();
    }

    @Override
    public GeminiImages images() {
        return GeminiImages.GOOGLE_AI;
    }

    @Override
    public GeminiEmbeddings embeddings() {
        return GeminiEmbeddings.BATCH_EMBED_CONTENTS;
    }
}
