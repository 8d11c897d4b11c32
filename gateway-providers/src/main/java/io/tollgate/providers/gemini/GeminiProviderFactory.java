package io.tollgate.providers.gemini;

import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.List;
import java.util.Set;

/** {@code type: gemini} (Google AI). Keys: base-url, api-key, headers. Disabled while api-key is empty. */
public final class GeminiProviderFactory implements ProviderFactory {

    @Override
    public Set<String> types() {
        return Set.of("gemini");
    }

    @Override
    public List<String> keys(String type) {
        return List.of("base-url", "api-key", "headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        String key = Boolean.FALSE.equals(config.enabled()) ? "" : config.apiKey().value();
        return new GeminiAdapter(name, config.baseUrl(), key, config.headers(), services.clock());
    }
}
