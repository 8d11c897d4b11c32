package io.tollgate.providers.azure;

import io.tollgate.core.config.BaseUrl;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.model.ApiKind;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import io.tollgate.providers.openai.OpenAiAdapter;
import io.tollgate.providers.openai.OpenAiProviderFactory;
import io.tollgate.providers.openai.OpenAiQuirks;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code type: azure-openai}: the OpenAI adapter (same bodies, streams, usage and errors) with
 * Azure's addressing ({@link AzureOpenAiEndpoint}). {@code base-url} is the resource endpoint,
 * e.g. {@code https://my-resource.openai.azure.com}; the target's {@code model} is the deployment.
 */
public final class AzureOpenAiProviderFactory implements ProviderFactory {

    /** The newest GA data-plane inference API version when this was written. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private static final String UNCONFIGURED = "https://azure-openai-base-url-not-set.invalid";

    @Override
    public Set<String> types() {
        return Set.of("azure-openai");
    }

    @Override
    public List<String> keys(String type) {
        return List.of("base-url", "api-key", "api-version", "headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        boolean hasBase = config.baseUrl() != null && !config.baseUrl().isBlank();
        boolean hasCredential = !config.apiKey().isEmpty() || config.headers().keySet().stream().anyMatch("authorization"::equalsIgnoreCase);
        if (Boolean.TRUE.equals(config.enabled()) && !hasBase) {
            throw new ConfigException("base-url", "is required for azure-openai (e.g. https://my-resource.openai.azure.com)");
        }
        String baseUrl = BaseUrl.orDefault(config.baseUrl(), UNCONFIGURED, "https://my-resource.openai.azure.com");
        String apiVersion = config.apiVersion() == null || config.apiVersion().isBlank() ? DEFAULT_API_VERSION : config.apiVersion().strip();
        boolean enabled = config.enabled() != null ? config.enabled() : hasBase && hasCredential;
        return new OpenAiAdapter(name, new AzureOpenAiEndpoint(baseUrl, apiVersion, config.apiKey().value()), config.headers(),
                OpenAiQuirks.NONE, EnumSet.of(ApiKind.CHAT_COMPLETIONS, ApiKind.COMPLETIONS, ApiKind.EMBEDDINGS), enabled);
    }
}
