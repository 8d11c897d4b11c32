package io.tollgate.core.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code providers.<name>:} one upstream connection. {@code type} picks the adapter; the other keys
 * are read by that adapter (each documents which it needs in docs/providers.md).
 *
 * @param type            openai | anthropic | gemini | azure-openai | bedrock | mock | an OpenAI-compatible preset
 * @param baseUrl         the API root; each type has a default
 * @param apiKey          the vendor key; a type that needs one is disabled while it is empty
 * @param headers         extra headers sent upstream on every call
 * @param maxConnections  deprecated and ignored (see {@link #DEPRECATED}); null when not set
 * @param connectTimeout  deprecated and ignored (see {@link #DEPRECATED}); null when not set
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

    /** Every key a {@code providers.<name>:} entry may set, as written in YAML, in the record's order. */
    public static final List<String> KEYS = List.of("type", "base-url", "api-key", "headers", "max-connections", "connect-timeout",
            "api-version", "region", "project", "access-key-id", "secret-access-key", "session-token", "enabled", "credentials-file");

    /**
     * Keys that were accepted but never read, each with what replaced it: a target's {@code max-concurrent} bounds
     * the calls in flight, and an alias's {@code timeouts.connect} is the connect timeout. Old files still load; the
     * gateway warns.
     */
    public static final Map<String, String> DEPRECATED = Map.of(
            "max-connections", "ignored; models.<alias>.targets[].max-concurrent bounds the calls in flight to a target",
            "connect-timeout", "ignored; models.<alias>.timeouts.connect is the connect timeout");

    public ProviderConfig {
        if (type == null || type.isBlank()) throw new ConfigException("type", "is required (openai, anthropic, gemini, azure-openai, bedrock, mock, ...)");
        apiKey = Defaults.or(apiKey, Secret.NONE);
        headers = Defaults.map(headers);
        accessKeyId = Defaults.or(accessKeyId, Secret.NONE);
        secretAccessKey = Defaults.or(secretAccessKey, Secret.NONE);
        sessionToken = Defaults.or(sessionToken, Secret.NONE);
    }

    /**
     * The optional keys this entry gives a value, as written in YAML. An empty string, secret or map counts as unset:
     * the shipped config writes {@code api-key: "${OPENAI_API_KEY:-}"} for every vendor, set or not.
     */
    public Set<String> presentKeys() {
        Set<String> keys = new LinkedHashSet<>();
        if (given(baseUrl)) keys.add("base-url");
        if (!apiKey.isEmpty()) keys.add("api-key");
        if (!headers.isEmpty()) keys.add("headers");
        if (maxConnections != null) keys.add("max-connections");
        if (connectTimeout != null) keys.add("connect-timeout");
        if (given(apiVersion)) keys.add("api-version");
        if (given(region)) keys.add("region");
        if (given(project)) keys.add("project");
        if (!accessKeyId.isEmpty()) keys.add("access-key-id");
        if (!secretAccessKey.isEmpty()) keys.add("secret-access-key");
        if (!sessionToken.isEmpty()) keys.add("session-token");
        if (enabled != null) keys.add("enabled");
        if (given(credentialsFile)) keys.add("credentials-file");
        return keys;
    }

    private static boolean given(@Nullable String value) {
        return value != null && !value.isBlank();
    }

    public static ProviderConfig of(String type, @Nullable String baseUrl, String apiKey) {
        return new ProviderConfig(type, baseUrl, Secret.of(apiKey), null, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public String toString() {   // never print credentials, even masked ones, in bulk dumps
        return "ProviderConfig[type=" + type + ", baseUrl=" + baseUrl + "]";
    }
}
