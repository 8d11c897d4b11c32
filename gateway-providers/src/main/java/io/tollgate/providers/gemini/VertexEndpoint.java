package io.tollgate.providers.gemini;

import io.tollgate.core.config.BaseUrl;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.FailureClass;
import io.tollgate.core.error.GatewayError;
import io.tollgate.core.error.GatewayException;
import io.tollgate.core.model.MutableHeaders;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Vertex AI: {@code https://<location>-aiplatform.googleapis.com/v1/projects/<project>/locations/<location>/
 * publishers/google/models/<model>:<method>} ({@code aiplatform.googleapis.com} for location {@code global})
 * with an OAuth2 bearer token. A model given as a full resource path ({@code projects/.../models/x}, e.g. a
 * tuned model's endpoint) is used as it is.
 */
final class VertexEndpoint implements GeminiEndpoint {

    private final String base;
    private final String project;
    private final String location;
    private final VertexTokens.TokenSource tokens;

    /** {@code base}: the API root as {@link BaseUrl} returns it (the factory checks it first). */
    VertexEndpoint(String base, String project, String location, VertexTokens.TokenSource tokens) {
        this.project = Objects.requireNonNull(project, "project");
        this.location = Objects.requireNonNull(location, "location");
        this.base = Objects.requireNonNull(base, "base");
        this.tokens = tokens;
    }

    static String defaultBaseUrl(String location) {
        return "global".equals(location) ? "https://aiplatform.googleapis.com/v1" : "https://" + location + "-aiplatform.googleapis.com/v1";
    }

    @Override
    public URI uri(String model, String method) {
        String path = model.startsWith("projects/") ? model
                : "projects/" + project + "/locations/" + location + "/publishers/google/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8);
        return URI.create(base + "/" + path + ":" + method);
    }

    @Override
    public void authorize(MutableHeaders headers) {
        String token = tokens.token();
        if (token == null) {   // the router skips a disabled provider; this is the race with expiry in between
            throw new GatewayException(GatewayError.upstream(ErrorCode.UPSTREAM_ERROR,
                    "Vertex AI has no valid access token: " + tokens.problem(), FailureClass.AUTH, null));
        }
        headers.set("authorization", "Bearer " + token);
    }

    @Override
    public boolean isEnabled() {
        return tokens.token() != null;
    }

    @Override
    public String missingCredential() {
        return "a valid Vertex AI access token (from credentials-file or api-key; the gateway log says why there is none)";
    }

    @Override
    public GeminiImages images() {
        return GeminiImages.VERTEX;
    }

    @Override
    public GeminiEmbeddings embeddings() {
        return GeminiEmbeddings.PREDICT;
    }
}
