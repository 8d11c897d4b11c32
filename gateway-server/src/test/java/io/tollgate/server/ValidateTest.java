package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate} refuses what {@code serve} would refuse, listing every problem with its path, and checking a
 * config opens nothing: no connection, no file or folder, no thread.
 */
class ValidateTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int validate(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("gateway.yaml"), yaml.replace("DIR", dir.toString()));
        return Main.validate(file, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsEveryProblemTheBuildersWouldMeetWithItsPathAndLine() throws IOException {
        Files.createDirectories(dir.resolve("prompts"));
        Files.writeString(dir.resolve("prompts/greeter.yaml"), "id: greeter\nversions:\n  1: { messages: [ { role: sytem, content: hi } ] }\n");
        int exit = validate("""
                providers:
                  mock:   { type: mock }
                  claude: { type: anthropic, base-url: "ftp://claude.internal" }
                models: { chat: { targets: [ { provider: mock, model: m } ] } }
                keys: [ { id: app, key: "tg-app", limits: { rpm: 60 } } ]
                cache: { enabled: true, backend: redis }
                prompts: { dir: "DIR/prompts" }
                state: { ledger: "mysql://u:hunter2@db/tollgate", redis: "localhost:6379" }
                filters: { budget: { settings: { user-budget: { usd: 5, period: hourly } } } }
                """);

        assertThat(exit).isEqualTo(1);
        assertThat(errors()).contains("5 problem(s)",
                "providers.claude.base-url (line 3): ftp://claude.internal (expected: an http(s) URL",
                "prompts.dir (line 7): greeter.yaml: versions.1.messages[0].role (line 3): expected system, developer, user or assistant, got 'sytem'",
                "state.ledger (line 8): mysql://u:***@db/tollgate (expected: sqlite:<path> or jdbc:postgresql://...)",
                "state.redis (line 8): localhost:6379 (expected: a URL such as redis://host:6379",
                "filters.budget.settings.user-budget.period (line 9): hourly (expected: daily | weekly | monthly | total)");
        assertThat(errors()).as("rate limits, budgets and the cache share state.redis: one problem").containsOnlyOnce("state.redis");
        assertThat(errors()).doesNotContain("hunter2");
    }

    @Test
    void keysThatNoLongerDoAnythingStillLoadWithAWarningNamingTheReplacement() throws IOException {
        int exit = validate("providers: { local: { type: vllm, base-url: \"http://127.0.0.1:8000/v1\", max-connections: 64, connect-timeout: 2s } }\n");
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK",
                "warning: providers.local.max-connections (ignored; models.<alias>.targets[].max-concurrent",
                "warning: providers.local.connect-timeout (ignored; models.<alias>.timeouts.connect");
    }

    @Test
    void aKeyTheProvidersTypeDoesNotReadLoadsWithAWarningNamingTheKeysItDoes() throws IOException {
        int exit = validate("""
                providers:
                  aws: { type: bedrock, region: eu-west-1, api-key: "bedrock-api-key", access-key-id: AKIA, secret-access-key: s }
                  oai: { type: openai, api-key: k, region: eu-west-1, project: p, api-version: "2024-10-21" }
                  local: { type: vllm, base-url: "http://127.0.0.1:8000/v1", api-key: "${NO_SUCH_KEY:-}", region: "" }
                """);
        assertThat(exit).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("OK",
                "warning: providers.aws.api-key (ignored: type bedrock reads only region, base-url, access-key-id, secret-access-key, session-token, headers, enabled)",
                "warning: providers.oai.api-version (ignored: type openai reads only base-url, api-key, headers, enabled)",
                "warning: providers.oai.region (",
                "warning: providers.oai.project (");
        assertThat(printed).as("empty values, as ${VAR:-} gives, set nothing").doesNotContain("providers.local");
        assertThat(printed).as("a warning names the key, never its value").doesNotContain("bedrock-api-key");
    }

    @Test
    void theRedisCacheNeedsStateRedis() throws IOException {
        assertThat(validate("cache: { enabled: true, backend: redis }\n")).isEqualTo(1);
        assertThat(errors()).contains("1 problem(s)", "cache.backend (line 1): redis needs state.redis (a redis:// URL)");
    }

    @Test
    void aPromptsDirTheConfigNamesMustExist() throws IOException {
        assertThat(validate("prompts: { dir: DIR/promts }\n")).isEqualTo(1);
        assertThat(errors()).contains("prompts.dir (line 1): '" + dir.resolve("promts") + "' does not exist");
    }

    /**
     * Stores that are down or not there yet pass: the ledger and Redis point at a port that listens but must never
     * be connected to, and the SQLite ledger's folder must not be created.
     */
    @Test
    void checkingOpensNoConnectionFileOrThread() throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            trap.setSoTimeout(300);
            int port = trap.getLocalPort();
            Path keyFile = Files.writeString(dir.resolve("sa.json"), "{}");
            Set<String> threadsBefore = threadNames();

            assertThat(validate("""
                    providers:
                      mock:   { type: mock }
                      vertex: { type: vertex-ai, project: acme, credentials-file: "KEY" }
                    models: { chat: { targets: [ { provider: mock, model: m } ] } }
                    keys: [ { id: app, key: "tg-app", limits: { rpm: 60 } } ]
                    cache: { enabled: true, backend: redis }
                    state: { ledger: "sqlite:DIR/not-yet/gateway.db", redis: "redis://127.0.0.1:PORT" }
                    """.replace("KEY", keyFile.toString()).replace("PORT", String.valueOf(port)))).as(errors()).isZero();
            assertThat(validate("""
                    state: { ledger: "jdbc:postgresql://127.0.0.1:PORT/tollgate?user=u&password=p" }
                    """.replace("PORT", String.valueOf(port)))).as(errors()).isZero();

            assertThat(dir.resolve("not-yet")).doesNotExist();
            try {
                trap.accept().close();
                Assertions.fail("validate connected to a store");
            } catch (SocketTimeoutException expected) {
                // nobody knocked
            }
            assertThat(threadNames()).as("threads left running").isSubsetOf(threadsBefore);
        }
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }
}
