package io.tollgate.providers.gemini;

import io.tollgate.core.config.BaseUrl;
import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ProviderConfig;
import io.tollgate.core.filter.FilterServices;
import io.tollgate.core.provider.ProviderAdapter;
import io.tollgate.core.provider.ProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code type: vertex-ai}: Gemini on Google Cloud. Keys: {@code project} (required), {@code region}
 * (the location, default {@code us-central1}; {@code global} too), {@code credentials-file} (a service
 * account's JSON key; default {@code $GOOGLE_APPLICATION_CREDENTIALS}) or {@code api-key} (a ready
 * access token, e.g. from {@code gcloud auth print-access-token}, which then must be kept fresh by
 * whoever sets it), {@code base-url}, {@code headers}.
 */
public final class VertexProviderFactory implements ProviderFactory {

    static final String DEFAULT_LOCATION = "us-central1";

    @Override
    public Set<String> types() {
        return Set.of("vertex-ai");
    }

    @Override
    public List<String> keys(String type) {
        return List.of("project", "region", "base-url", "api-key", "credentials-file", "headers", "enabled");
    }

    @Override
    public ProviderAdapter create(String name, ProviderConfig config, FilterServices services) {
        return adapter(name, config, services, file -> services.shared(VertexTokens.class, () -> new VertexTokens(services)).forFile(file));
    }

    /**
     * Every rule of {@link #create}, but the service-account file is only found readable: no token refresher
     * starts, so checking a config never calls Google's token endpoint.
     */
    @Override
    public ProviderAdapter inspect(String name, ProviderConfig config, FilterServices services) {
        return adapter(name, config, services, file -> fixed(null, "not started: the config is only being checked"));
    }

    /** The adapter, with {@code refresher} making the token source of a readable service-account file. */
    private static ProviderAdapter adapter(String name, ProviderConfig config, FilterServices services,
                                           Function<Path, VertexTokens.TokenSource> refresher) {
        String project = config.project();
        if (project == null || project.isBlank()) {
            throw new ConfigException("project", "is required for vertex-ai (the Google Cloud project id)");
        }
        String location = config.region() == null || config.region().isBlank() ? DEFAULT_LOCATION : config.region().strip();
        if (!location.matches("[a-z0-9-]+")) {
            throw new ConfigException("region", location, "a Vertex AI location such as us-central1, europe-west4 or global");
        }
        // checked before tokens(): a config refused for its base-url must not leave a token refresher behind
        String base = BaseUrl.orDefault(config.baseUrl(), VertexEndpoint.defaultBaseUrl(location));
        VertexEndpoint endpoint = new VertexEndpoint(base, project.strip(), location, tokens(config, refresher));
        return new GeminiAdapter(name, endpoint, config.headers(), services.clock());
    }

    private static VertexTokens.TokenSource tokens(ProviderConfig config, Function<Path, VertexTokens.TokenSource> refresher) {
        if (Boolean.FALSE.equals(config.enabled())) {
            return fixed(null, "the provider is disabled (enabled: false)");
        }
        String token = config.apiKey().value();
        if (!token.isBlank()) {
            return fixed(token, null);
        }
        String file = config.credentialsFile();
        if (file == null || file.isBlank()) {
            file = System.getenv("GOOGLE_APPLICATION_CREDENTIALS");
        }
        if (file == null || file.isBlank()) {
            return fixed(null, "no credentials: set credentials-file (or GOOGLE_APPLICATION_CREDENTIALS) or api-key");
        }
        Path path = Path.of(file.strip());
        if (!Files.isReadable(path)) {
            throw new ConfigException("credentials-file", file, "a readable service-account JSON key file");
        }
        return refresher.apply(path);
    }

    private static VertexTokens.TokenSource fixed(@Nullable String token, @Nullable String problem) {
        return new VertexTokens.TokenSource() {
            @Override public @Nullable String token() { return token; }
            @Override public @Nullable String problem() { return problem; }
        };
    }
}
