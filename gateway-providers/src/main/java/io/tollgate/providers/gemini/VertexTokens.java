package io.tollgate.providers.gemini;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.tollgate.core.filter.FilterServices;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 access tokens for Vertex AI, minted from service-account files by Google's own auth library.
 * Minting is a blocking HTTPS call to the token endpoint, so it never happens on a request's path:
 * one refresher per file fetches a token in the background at start, again a few minutes before it
 * expires, and retries with back-off after a failure. Requests read the current token; while there is
 * none (the first second after start, or the token endpoint failing past expiry) the provider counts
 * as disabled and the router skips it.
 *
 * <p>One instance per process ({@link FilterServices#shared}): refreshers survive config reloads.
 */
final class VertexTokens implements AutoCloseable {

    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    /** Refresh this long before expiry (tokens live an hour). */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(VertexTokens.class);

    private final FilterServices services;
    private final Clock clock;
    private final Map<Path, Refresher> refreshers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    VertexTokens(FilterServices services) {
        this.services = services;
        this.clock = services.clock();
    }

    /** The token source for {@code file}, started on first use; the file is read on a background thread. */
    TokenSource forFile(Path file) {
        return refreshers.computeIfAbsent(file.toAbsolutePath().normalize(), f -> {
            Refresher r = new Refresher(f);
            r.schedule(Duration.ZERO);
            return r;
        });
    }

    @Override
    public void close() {
        closed = true;
    }

    /** What a request asks for: the current bearer token, or null when there is no valid one. */
    interface TokenSource {
        @Nullable String token();

        /** Why there is no token (for logs and admin output), or null. */
        @Nullable String problem();
    }

    final class Refresher implements TokenSource {
        private final Path file;
        private volatile @Nullable AccessToken current;
        private volatile @Nullable String problem = "no token yet: fetching one";
        private @Nullable GoogleCredentials credentials;   // only touched on the refresh thread
        private Duration retry = FIRST_RETRY;

        Refresher(Path file) {
            this.file = file;
        }

        @Override
        public @Nullable String token() {
            AccessToken t = current;
            if (t == null) {
                return null;
            }
            java.util.Date expiry = t.getExpirationTime();
            return expiry == null || expiry.toInstant().isAfter(clock.instant()) ? t.getTokenValue() : null;
        }

        @Override
        public @Nullable String problem() {
            return problem;
        }

        void schedule(Duration delay) {
            if (!closed) {
                services.scheduler().schedule(() -> services.blockingExecutor().execute(this::refresh), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void refresh() {
            try {
                if (credentials == null) {
                    credentials = load(file);
                }
                AccessToken token = credentials.refreshAccessToken();
                current = token;
                problem = null;
                retry = FIRST_RETRY;
                schedule(nextRefresh(token));
            } catch (IOException | RuntimeException e) {
                // the library's messages name the file and the endpoint's error, never the key or a token
                problem = "cannot get a Vertex AI access token from " + file + ": " + e.getMessage();
                log.warn("{}; retrying in {} s", problem, retry.toSeconds());
                schedule(retry);
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            }
        }

        private Duration nextRefresh(AccessToken token) {
            java.util.Date expiry = token.getExpirationTime();
            if (expiry == null) {
                return Duration.ofMinutes(30);
            }
            Duration left = Duration.between(clock.instant(), expiry.toInstant()).minus(REFRESH_AHEAD);
            return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
        }
    }

    static GoogleCredentials load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            GoogleCredentials c = GoogleCredentials.fromStream(in);
            if (!(c instanceof ServiceAccountCredentials)) {
                log.info("{}: {} credentials (not a service account)", file, c.getClass().getSimpleName());
            }
            return c.createScoped(List.of(SCOPE));
        }
    }
}
