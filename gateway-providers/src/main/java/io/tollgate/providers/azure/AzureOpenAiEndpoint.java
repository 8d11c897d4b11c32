package io.tollgate.providers.azure;

import io.tollgate.core.model.ApiKind;
import io.tollgate.core.model.MutableHeaders;
import io.tollgate.providers.openai.OpenAiEndpoint;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Azure OpenAI's addressing: the model is a deployment name in the path and the API version a query
 * parameter ({@code <base>/openai/deployments/<deployment>/chat/completions?api-version=<v>}).
 * Credentials: the {@code api-key} header, unless the configured headers already carry an
 * {@code Authorization} (a Microsoft Entra ID bearer token), which then wins.
 */
final class AzureOpenAiEndpoint implements OpenAiEndpoint {

    private final String base;
    private final String apiVersionQuery;
    private final String apiKey;

    AzureOpenAiEndpoint(String baseUrl, String apiVersion, String apiKey) {
        this.base = Objects.requireNonNull(baseUrl, "baseUrl");
        this.apiVersionQuery = "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    @Override
    public URI uri(ApiKind api, String model) {
        String operation = switch (api) {
            case CHAT_COMPLETIONS, MESSAGES -> "/chat/completions";
            case COMPLETIONS -> "/completions";
            case EMBEDDINGS -> "/embeddings";
            case RESPONSES -> throw new IllegalArgumentException("api: RESPONSES (expected: an API azure-openai supports)");
        };
        String deployment = URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(base + "/openai/deployments/" + deployment + operation + apiVersionQuery);
    }

    @Override
    public void authenticate(MutableHeaders headers) {
        if (!headers.contains("authorization") && !apiKey.isBlank()) {
            headers.set("api-key", apiKey);
        }
    }
}
