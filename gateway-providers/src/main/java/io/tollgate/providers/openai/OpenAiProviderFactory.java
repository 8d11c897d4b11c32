package io.tollgate.providers.openai;

import io.tollgate.core.config.BaseUrl;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.List;
import java.util.Set;

/**
 * {@code type: openai} and the OpenAI-compatible presets ({@code groq}, {@code mistral},
 * {@code ollama}, ...): one adapter, different defaults.
 *
 * <p>A provider is enabled when it has an {@code api-key}, when its preset needs none (local
 * servers), or when {@code base-url} points somewhere other than the vendor's default (a self-hosted
 * compatible server usually needs no key). {@code enabled:} overrides this.
 */
public final class OpenAiProviderFactory implements ProviderFactory {

    @Override
    public Set<String> types() {
        return OpenAiPreset.BY_TYPE.keySet();
    }

    @Override
    public List<String> keys(String type) {
        return List.of("base-url", "api-key", "headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        OpenAiPreset preset = OpenAiPreset.BY_TYPE.get(config.type());
        if (preset == null) {
            throw new ConfigException("type", config.type(), "one of " + types());
        }
        String baseUrl = BaseUrl.orDefault(config.baseUrl(), preset.defaultBaseUrl());
        String key = config.apiKey().value();
        boolean enabled = config.enabled() != null
                ? config.enabled()
                : !preset.needsKey() || !key.isBlank() || !baseUrl.equals(preset.defaultBaseUrl());
        return new OpenAiAdapter(name, OpenAiEndpoint.bearer(baseUrl, key), config.headers(), preset.quirks(), preset.apis(), enabled);
    }
}
