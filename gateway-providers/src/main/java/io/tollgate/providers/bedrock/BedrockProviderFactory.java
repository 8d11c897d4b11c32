package io.tollgate.providers.bedrock;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.util.List;
import java.util.Set;

/**
 * {@code type: bedrock}. Keys: region (default us-east-1), access-key-id, secret-access-key,
 * session-token (optional), base-url (a VPC endpoint), headers. Disabled while credentials are empty.
 */
public final class BedrockProviderFactory implements ProviderFactory {

    @Override
    public Set<String> types() {
        return Set.of("bedrock");
    }

    @Override
    public List<String> keys(String type) {
        return List.of("region", "base-url", "access-key-id", "secret-access-key", "session-token", "headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        boolean off = Boolean.FALSE.equals(config.enabled());
        String region = config.region();
        if (region != null && !region.isBlank() && !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            throw new ConfigException("region", region, "an AWS region such as us-east-1");
        }
        return new BedrockAdapter(name, config.baseUrl(), region,
                off ? "" : config.accessKeyId().value(), off ? "" : config.secretAccessKey().value(),
                config.sessionToken().value(), config.headers(), services.clock());
    }
}
