package io.tollgate.providers.anthropic;

import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.List;
import java.util.Set;

/** {@code type: anthropic}. Keys: base-url, api-key, api-version (anthropic-version), headers. */
public final class AnthropicProviderFactory implements ProviderFactory {

    @Override
    public Set<String> types() {
        return Set.of("anthropic");
    }

    @Override
    public List<String> keys(String type) {
        return List.of("base-url", "api-key", "api-version", "headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        String key = Boolean.FALSE.equals(config.enabled()) ? "" : config.apiKey().value();
        return new AnthropicAdapter(name, config.baseUrl(), key, config.apiVersion(), config.headers(), services.clock());
    }
}
