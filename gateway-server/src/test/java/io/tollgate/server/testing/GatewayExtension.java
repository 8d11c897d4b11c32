package io.tollgate.server.testing;

import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.GatewayConfig;
import io.tollgate.server.GatewayRuntime;
import io.tollgate.server.GatewayServer;
import io.tollgate.server.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real gateway on an ephemeral port for a test class, from inline YAML (after Armeria's
 * ServerExtension). {@code @UPSTREAM@} in the YAML is replaced by the upstream URL supplier's value
 * at start, so a WireMock extension registered before this one can be the upstream.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String KEY = "tg-test-key";
    public static final String ADMIN_KEY = "admin-test-key";

    private final String yaml;
    private @Nullable Supplier<String> upstream;
    private final Map<String, Supplier<String>> placeholders = new java.util.LinkedHashMap<>();
    private Function<String, @Nullable String> env = System::getenv;
    private @Nullable GatewayServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayExtension(String yaml) {
        this.yaml = yaml;
    }

    public static GatewayExtension withConfig(String yaml) {
        return new GatewayExtension(yaml);
    }

    public GatewayExtension upstream(Supplier<String> baseUrl) {
        this.upstream = baseUrl;
        return this;
    }

    /** Replaces {@code placeholder} in the YAML with {@code value}'s value at start (a second server's URL). */
    public GatewayExtension replace(String placeholder, Supplier<String> value) {
        placeholders.put(placeholder, value);
        return this;
    }

    /** The environment that {@code ${VAR}} references in the config read (default: the process's). */
    public GatewayExtension env(Map<String, String> variables) {
        this.env = variables::get;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String text = upstream == null ? yaml : yaml.replace("@UPSTREAM@", upstream.get());
        for (Map.Entry<String, Supplier<String>> p : placeholders.entrySet()) {
            text = text.replace(p.getKey(), p.getValue().get());
        }
        ConfigLoader.LoadResult result = ConfigLoader.parse(text, "test.yaml", env);
        if (!result.isValid()) {
            throw new IllegalArgumentException("test config is invalid: " + result.problems());
        }
        GatewayConfig config = result.config();
        io.tollgate.core.metering.Tokenizers.awaitLoaded(); // tests assert exact token estimates
        server = GatewayServer.start(config, new GatewayRuntime(Main.terminalFactory()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public GatewayServer server() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server;
    }

    public int port() {
        return server().port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public HttpClient http() {
        return http;
    }

    /** POSTs JSON with the test key. */
    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("authorization", "Bearer " + KEY)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return send(b);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
