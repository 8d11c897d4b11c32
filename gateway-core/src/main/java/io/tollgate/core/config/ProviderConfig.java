package io.tollgate.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code providers.<name>:} one upstream connection. {@code type} picks the adapter; the other keys
 * are read by that adapter (each documents which it needs in docs/providers.md).
 *
 * @param type            openai | anthropic | gemini | azure-openai | bedrock | mock | an OpenAI-compatible preset
 * @param baseUrl         the API root; each type has a default
 * @param apiKey          the vendor key; a type that needs one is disabled while it is empty
 * @param headers         extra headers sent upstream on every call
 * @param maxConnections  deprecated and ignored (see {@link #deprecatedKeys()}); null when not set
 * @param connectTimeout  deprecated and ignored (see {@link #deprecatedKeys()}); null when not set
 * @param apiVersion      Azure OpenAI {@code api-version}; Anthropic {@code anthropic-version}
 * @param region          AWS region (Bedrock), Vertex location
 * @param project         Google Cloud project (Vertex AI)
 * @param accessKeyId     AWS access key id (Bedrock)
 * @param secretAccessKey AWS secret access key (Bedrock)
 * @param sessionToken    AWS session token (Bedrock), optional
 * @param enabled         force on or off; null = on when its credentials are present
 * @param credentialsFile a Google service account's JSON key (Vertex AI)
 */
public record ProviderConfig(String type, @Nullable String baseUrl, Secret apiKey, Map<String, String> headers,
                             @Nullable Integer maxConnections, @Nullable Duration connectTimeout, @Nullable String apiVersion,
                             @Nullable String region, @Nullable String project, Secret accessKeyId,
                             Secret secretAccessKey, Secret sessionToken, @Nullable Boolean enabled,
                             @Nullable String credentialsFile) {

    public ProviderConfig {
        if (type == null || type.isBlank()) throw new ConfigException("type", "is required (openai, anthropic, gemini, azure-openai, bedrock, mock, ...)");
        apiKey = Defaults.or(apiKey, Secret.NONE);
        headers = Defaults.map(headers);
        accessKeyId = Defaults.or(accessKeyId, Secret.NONE);
        secretAccessKey = Defaults.or(secretAccessKey, Secret.NONE);
        sessionToken = Defaults.or(sessionToken, Secret.NONE);
    }

    /**
     * The keys this provider sets that no longer do anything, each with what replaced it. {@code max-connections} and
     * {@code connect-timeout} were accepted but never read: a target's {@code max-concurrent} bounds the calls in
     * flight, and an alias's {@code timeouts.connect} is the connect timeout. Old files still load; the gateway warns.
     */
    public List<String> deprecatedKeys() {
        List<String> keys = new ArrayList<>(2);
        if (maxConnections != null) {
            keys.add("max-connections (ignored; models.<alias>.targets[].max-concurrent bounds the calls in flight to a target)");
        }
        if (connectTimeout != null) {
            keys.add("connect-timeout (ignored; models.<alias>.timeouts.connect is the connect timeout)");
        }
        return keys;
    }

    public static ProviderConfig of(String type, @Nullable String baseUrl, String apiKey) {
        return new ProviderConfig(type, baseUrl, Secret.of(apiKey), null, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {   // never print credentials, even masked ones, in bulk dumps
        return "ProviderConfig[type=" + type + ", baseUrl=" + baseUrl + "]";
    }
}
