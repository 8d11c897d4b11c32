package io.tollgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.error.FailureClass;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-live-123", "GATEWAY_ADMIN_KEY", "adm", "SEARCH_KEY", "tg-search");

    private static ConfigLoader.LoadResult parse(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", ENV::get);
    }

    /** The SPEC §5 example, verbatim apart from the key hash. */
    @Test
    void theSpecExampleLoads() {
        ConfigLoader.LoadResult r = parse("""
                server:    { host: 127.0.0.1, port: 8080, max-request-size: 8MB }
                auth:      { mode: keys, admin-key: "${GATEWAY_ADMIN_KEY}" }        # keys | open
                providers:
                  openai:    { type: openai, base-url: "https://api.openai.com/v1", api-key: "${OPENAI_API_KEY}" }
                  anthropic: { type: anthropic, api-key: "${ANTHROPIC_API_KEY:-}" }
                  local:     { type: openai, base-url: "http://127.0.0.1:11434/v1" }
                  mock:      { type: mock }
                models:
                  chat:
                    routing: fallback
                    targets:
                      - { provider: anthropic, model: claude-haiku-4-5, weight: 3 }
                      - { provider: openai, model: gpt-4o-mini, weight: 1 }
                    retries: { max-attempts: 3, backoff: 200ms }
                    timeouts: { connect: 5s, first-token: 30s, total: 120s }
                    fallback-on: [rate-limit, server-error, timeout, context-length]
                pricing:
                  claude-haiku-4-5: { input: 1.00, output: 5.00, cached-input: 0.10 }
                teams:
                  search: { budget: { usd: 500, period: monthly, alerts: [0.5, 0.9] } }
                keys:
                  - id: search-backend
                    key: "${SEARCH_KEY}"
                    team: search
                    models: [chat]
                    limits: { rpm: 600, tpm: 100000 }
                    budget: { usd: 50, period: daily }
                cache:     { enabled: true, backend: memory, ttl: 1h, max-entries: 10000 }
                prompts:   { dir: config/prompts }
                state:     { ledger: "sqlite:data/gateway.db", redis: "" }
                alerts:    { webhook: "" }
                """);

        assertThat(r.problems()).isEmpty();
        GatewayConfig c = r.config();
        assertThat(c.server().maxRequestSize().bytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.auth().adminKey().value()).isEqualTo("adm");
        assertThat(c.providers().keySet()).containsExactly("openai", "anthropic", "local", "mock");
        assertThat(c.providers().get("openai").apiKey().value()).isEqualTo("sk-live-123");
        assertThat(c.providers().get("anthropic").apiKey().isEmpty()).isTrue();
        ModelConfig chat = c.models().get("chat");
        assertThat(chat.routing()).isEqualTo(ModelConfig.Routing.FALLBACK);
        assertThat(chat.targets()).extracting(TargetConfig::weight).containsExactly(3, 1);
        assertThat(chat.retries().maxAttempts()).isEqualTo(3);
        assertThat(chat.retries().backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(chat.timeouts().firstToken()).isEqualTo(Duration.ofSeconds(30));
        assertThat(chat.fallbackOn()).containsExactly(FailureClass.RATE_LIMIT, FailureClass.SERVER_ERROR, FailureClass.TIMEOUT, FailureClass.CONTEXT_LENGTH);
        assertThat(c.pricing().get("claude-haiku-4-5").cachedInput()).isEqualTo(0.10);
        assertThat(c.teams().get("search").budget().alerts()).containsExactly(0.5, 0.9);
        assertThat(c.keys().get(0).key().value()).isEqualTo("tg-search");
        assertThat(c.keys().get(0).budget().period()).isEqualTo(BudgetConfig.Period.DAILY);
        assertThat(c.cache().enabled()).isTrue();
        assertThat(c.cache().ttl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anEmptyFileIsTheDefaultConfig() {
        assertThat(parse("").config()).isEqualTo(GatewayConfig.empty());
        assertThat(parse("# nothing\n").isValid()).isTrue();
    }

    @Test
    void anUnsetVariableWithoutDefaultIsAnErrorNamingIt() {
        ConfigLoader.LoadResult r = parse("""
                auth:
                  admin-key: "${MISSING_ADMIN}"
                """);
        assertThat(r.isValid()).isFalse();
        assertThat(r.problems()).singleElement().hasToString(
                "auth.admin-key (line 2): environment variable MISSING_ADMIN is not set (write ${MISSING_ADMIN:-} to make it optional)");
    }

    @Test
    void defaultsAndEscapesInSubstitution() {
        var env = new EnvSubstitution(Map.of("A", "x", "EMPTY", "")::get);
        assertThat(env.apply("${A}-${B:-fallback}-${EMPTY:-d}")).isEqualTo("x-fallback-d");
        assertThat(env.apply("literal $${A} and $ sign")).isEqualTo("literal ${A} and $ sign");
    }

    @Test
    void theManagementPortMustDifferFromTheClientPort() {
        ConfigLoader.LoadResult r = parse("server: { port: 9000, management-port: 9000 }\n");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("server.management-port");
            assertThat(p.message()).contains("a port other than server.port");
        });
        assertThat(parse("server: { port: 9000, management-port: 9090 }\n").config().server().managementPort()).isEqualTo(9090);
    }

    @Test
    void ledgerRowsAreKeptForeverUnlessARetentionOfADayOrMoreIsSet() {
        assertThat(parse("state: { ledger: \"sqlite:x.db\" }\n").config().state().retention()).isNull();
        assertThat(parse("state: { retention: 30d }\n").config().state().retention()).isEqualTo(Duration.ofDays(30));
        assertThat(parse("state: { retention: 12h }\n").problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("state.retention");
            assertThat(p.message()).contains(">= 1d");
        });
    }

    @Test
    void maxConnectionsIsACountAndNoCapByDefault() {
        assertThat(parse("server: { port: 9000 }\n").config().server().maxConnections()).isZero();
        assertThat(parse("server: { max-connections: 4096 }\n").config().server().maxConnections()).isEqualTo(4096);
        assertThat(parse("server: { max-connections: -1 }\n").problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("server.max-connections");
            assertThat(p.message()).contains(">= 0 (0 = no cap)");
        });
    }

    @Test
    void theTransportIsOneOfNettysAndDefaultsToAuto() {
        assertThat(parse("server: { port: 9000 }\n").config().server().transport()).isEqualTo(ServerConfig.Transport.AUTO);
        assertThat(parse("server: { transport: io-uring }\n").config().server().transport()).isEqualTo(ServerConfig.Transport.IO_URING);
        assertThat(parse("server: { transport: epoll }\n").config().server().transport()).isEqualTo(ServerConfig.Transport.EPOLL);
        ConfigLoader.LoadResult r = parse("server: { transport: kqueue }\n");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("server.transport");
            assertThat(p.message()).contains("auto, io-uring, epoll, nio");
        });
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        ConfigLoader.LoadResult r = parse("""
                server:
                  prot: 8080
                """);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("server.prot");
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("unknown key", "did you mean 'port'?", "host, port, max-request-size");
        });
    }

    @Test
    void wrongTypesNameThePathLineAndExpectation() {
        ConfigLoader.LoadResult r = parse("""
                providers:
                  mock: { type: mock }
                models:
                  chat:
                    targets:
                      - { provider: mock, model: m, weight: abc }
                    routing: sideways
                    timeouts: { total: soon }
                """);
        assertThat(r.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "models.chat.targets[0].weight (line 6): 'abc' (expected: an integer)",
                "models.chat.routing (line 7): 'sideways' (expected: one of fallback, weighted, least-latency, lowest-cost)",
                "models.chat.timeouts.total (line 8): 'soon' (expected: a duration such as 250ms, 5s, 2m, 1h)");
    }

    @Test
    void recordRulesBecomeProblemsAtTheRightLine() {
        ConfigLoader.LoadResult r = parse("""
                providers:
                  mock: { type: mock }
                models:
                  chat:
                    targets:
                      - { provider: nowhere, model: m }
                keys:
                  - id: k1
                    key-sha256: "abc"
                """);
        assertThat(r.problems()).extracting(ConfigProblem::toString).containsExactly(
                "keys[0].key-sha256 (line 9): 3 characters (expected: 64 hex digits)");
        // a cross-section reference (models -> providers) broken too: everyBrokenReferenceIsListedNotOnlyTheFirst
    }

    @Test
    void everyBrokenReferenceIsListedNotOnlyTheFirst() {
        ConfigLoader.LoadResult r = parse("""
                providers:
                  mock: { type: mock }
                models:
                  chat:
                    targets:
                      - { provider: nowhere, model: m }
                      - { provider: elsewhere, model: m }
                teams: { red: {} }
                keys:
                  - { id: app, key: "tg-app", team: blue }
                """);
        assertThat(r.isValid()).isFalse();
        assertThat(r.problems()).extracting(ConfigProblem::path).containsExactly(
                "models.chat.targets[0].provider", "models.chat.targets[1].provider", "keys.app.team");
        assertThat(r.problems()).extracting(ConfigProblem::line).containsExactly(6, 7, 10);
        assertThat(r.problems().get(0).message()).contains("unknown provider 'nowhere'", "[mock]");
        assertThat(r.problems().get(2).message()).contains("unknown team 'blue'", "[red]");
    }

    @Test
    void theSemanticCacheIsOptInPerAliasAndChecked() {
        String models = """
                providers: { mock: { type: mock } }
                models:
                  faq:
                    targets: [ { provider: mock, model: m } ]
                    cache:
                      semantic: { embedding-model: %s, threshold: %s }
                  embed: { targets: [ { provider: mock, model: e } ] }
                cache: { enabled: %s, semantic: { max-entries: 500, max-bytes: 8MB, max-entries-per-context: 50 } }
                """;
        GatewayConfig ok = parse(models.formatted("embed", "0.95", "true")).orThrow();
        SemanticCacheConfig s = ok.models().get("faq").cache().semantic();
        assertThat(s.embeddingModel()).isEqualTo("embed");
        assertThat(s.threshold()).isEqualTo(0.95);
        assertThat(s.timeout()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(ok.models().get("embed").cache().semantic()).isNull();
        assertThat(ok.cache().semantic()).isEqualTo(new SemanticIndexConfig(500, DataSize.ofMegabytes(8), 50));
        assertThat(GatewayConfig.empty().cache().semantic()).isEqualTo(new SemanticIndexConfig(10_000, DataSize.ofMegabytes(64), 1_000));

        assertThat(parse(models.formatted("nowhere", "0.95", "true")).problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("models.faq.cache.semantic.embedding-model");
            assertThat(p.message()).contains("'nowhere'", "[faq, embed]");
        });
        assertThat(parse(models.formatted("faq", "0.95", "true")).problems()).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("models.faq.cache.semantic.embedding-model"));
        assertThat(parse(models.formatted("embed", "0.95", "false")).problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("models.faq.cache.semantic");
            assertThat(p.message()).contains("cache.enabled: true");
        });
        assertThat(parse(models.formatted("embed", "1.5", "true")).problems()).singleElement().hasToString(
                "models.faq.cache.semantic.threshold (line 6): 1.5 (expected: > 0 and <= 1)");
        assertThat(parse(models.formatted("embed", "0.9", "true").replace("threshold: 0.9", "threshold: 0.9, timeout: 0s"))
                .problems()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("models.faq.cache.semantic.timeout"));
        assertThat(parse(models.formatted("embed", "0.9", "true").replace("embedding-model: embed, ", "")).problems())
                .singleElement().satisfies(p -> assertThat(p.message()).contains("is required"));
    }

    @Test
    void duplicateKeysAndBadYamlAreReported() {
        assertThat(parse("server: { port: 1 }\nserver: { port: 2 }\n").problems()).isNotEmpty();
        ConfigLoader.LoadResult broken = parse("server: { port: 1\n");
        assertThat(broken.isValid()).isFalse();
        assertThat(broken.problems().get(0).message()).startsWith("not valid YAML");
    }

    @Test
    void everyProblemIsCollectedNotJustTheFirst() {
        ConfigLoader.LoadResult r = parse("""
                server: { port: 99999, colour: blue }
                auth: { mode: closed }
                cache: { ttl: 5 parsecs }
                """);
        assertThat(r.problems()).hasSize(4);
        assertThat(r.problems()).extracting(ConfigProblem::line).containsExactlyInAnyOrder(1, 1, 2, 3);
    }

    @Test
    void secretsNeverShowInToString() {
        GatewayConfig c = parse("""
                auth: { admin-key: "super-secret-admin" }
                providers: { openai: { type: openai, api-key: "${OPENAI_API_KEY}" } }
                keys: [ { id: a, key: "tg-clear-key" } ]
                """).config();
        assertThat(c.toString()).doesNotContain("super-secret-admin", "sk-live-123", "tg-clear-key");
    }

    @Test
    void freeFormSettingsKeepTheirTypes() {
        GatewayConfig c = parse("""
                filters:
                  cache: { enabled: false, order: 450, timeout: 50ms, settings: { limit: 3, ratio: 0.5, name: x, tags: [a, b] } }
                """).config();
        FilterSettings s = c.filters().get("cache");
        assertThat(s.enabled()).isFalse();
        assertThat(s.order()).isEqualTo(450);
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.settings()).containsEntry("limit", 3L).containsEntry("ratio", 0.5).containsEntry("name", "x").containsEntry("tags", List.of("a", "b"));
    }

    @Test
    void freeFormNumbersAreYamlsAndASubstitutedValueIsTypedByWhatItBecame() {
        GatewayConfig c = parse("""
                filters:
                  cache: { settings: { big: 1_000, on: yes, amount: "${AMOUNT:-5}", rate: "${RATE:-0.25}", word: "${WORD:-x}" } }
                """).orThrow();
        assertThat(c.filters().get("cache").settings()).containsEntry("big", 1000L).containsEntry("on", true)
                .containsEntry("amount", 5L).containsEntry("rate", 0.25).containsEntry("word", "x");

        var refused = parse("""
                filters:
                  cache: { settings: { hex: 0x1F, forever: .inf } }
                """);
        assertThat(refused.problems()).extracting(ConfigProblem::toString).containsExactly(
                "filters.cache.settings.hex (line 2): '0x1F' (expected: a decimal number)",
                "filters.cache.settings.forever (line 2): '.inf' (expected: a decimal number)");
    }

    @Test
    void aFilterTypeThatDoesNotExistIsAnErrorNotIgnored() {
        var result = parse("""
                filters:
                  budget: { enabled: true }
                  ratelimit: { enabled: false }
                """);
        assertThat(result.isValid()).isFalse();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("filters.ratelimit");
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("unknown filter type", "did you mean 'rate-limit'?", "budget, cache");
        });
    }

    @Test
    void problemsFoundAfterLoadingGetTheLineOfTheirPath() {
        ConfigLoader.LoadResult loaded = parse("""
                cache:
                  enabled: true
                  backend: redis
                keys:
                  - { id: a, key: "tg-a" }
                  - id: b
                    key: "tg-b"
                """);
        assertThat(loaded.isValid()).isTrue();
        assertThat(loaded.lines().lineOf("keys[1].key")).isEqualTo(7);

        ConfigLoader.LoadResult refused = loaded.rejectedFor(List.of(new ConfigProblem("cache.backend", 0, "redis needs state.redis"),
                new ConfigProblem("state.redis", 0, "not written in the file: no line")));
        assertThat(refused.isValid()).isFalse();
        assertThat(refused.problems()).extracting(ConfigProblem::toString)
                .containsExactly("cache.backend (line 3): redis needs state.redis", "state.redis: not written in the file: no line");
        assertThat(loaded.rejectedFor(List.of())).isSameAs(loaded);
    }

    @Test
    void tracingIsOffByDefaultAndBindsEveryKey() {
        assertThat(parse("").config().tracing()).isEqualTo(TracingConfig.DEFAULT);
        assertThat(TracingConfig.DEFAULT.enabled()).isFalse();
        TracingConfig t = ConfigLoader.parse("""
                tracing:
                  enabled: true
                  endpoint: "https://otlp.example.com/v1/traces"
                  service-name: gateway-eu
                  sample-ratio: 0.25
                  headers: { x-honeycomb-team: "${HONEYCOMB_KEY}" }
                  resource-attributes: { deployment.environment.name: prod }
                  export-interval: 2s
                  queue-size: 4096
                  timeout: 3s
                  compression: gzip
                """, "test.yaml", Map.of("HONEYCOMB_KEY", "hc-secret")::get).orThrow().tracing();
        assertThat(t.enabled()).isTrue();
        assertThat(t.endpoint()).isEqualTo("https://otlp.example.com/v1/traces");
        assertThat(t.serviceName()).isEqualTo("gateway-eu");
        assertThat(t.sampleRatio()).isEqualTo(0.25);
        assertThat(t.headers()).containsEntry("x-honeycomb-team", Secret.of("hc-secret"));
        assertThat(t.resourceAttributes()).containsEntry("deployment.environment.name", "prod");
        assertThat(t.exportInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.queueSize()).isEqualTo(4096);
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.compression()).isEqualTo(TracingConfig.Compression.GZIP);
        assertThat(t.toString()).doesNotContain("hc-secret");
    }

    @Test
    void tracingProblemsNameThePathAndLine() {
        ConfigLoader.LoadResult ratio = parse("""
                server: { port: 9000 }
                tracing:
                  enabled: true
                  sample-ratio: 1.5
                """);
        assertThat(ratio.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("tracing.sample-ratio");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).isEqualTo("1.5 (expected: a number from 0 to 1)");
        });
        ConfigLoader.LoadResult endpoint = parse("tracing: { endpoint: \"localhost:4318\" }\n");
        assertThat(endpoint.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("tracing.endpoint");
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).contains("expected: an http or https URL");
        });
        // a webhook's path may be its token: the problem does not repeat the value
        ConfigLoader.LoadResult webhook = parse("alerts: { webhook: \"hooks.example.com/services/T0/B0/secret-token\" }\n");
        assertThat(webhook.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("alerts.webhook");
            assertThat(p.toString()).doesNotContain("secret-token");
            assertThat(p.message()).isEqualTo("not an absolute URL with an http or https scheme and a host"
                    + " (expected: an http or https URL such as https://hooks.example.com/tollgate)");
        });
        assertThat(parse("alerts: { webhook: \"ftp://hooks.example.com/x\" }\n").problems()).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("alerts.webhook"));
        assertThat(parse("alerts: { webhook: \"https://hooks.example.com/tollgate?team=a\" }\n").problems()).isEmpty();
        ConfigLoader.LoadResult typo = parse("""
                tracing:
                  sample-rate: 0.5
                """);
        assertThat(typo.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("tracing.sample-rate");
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("unknown key", "did you mean 'sample-ratio'?");
        });
        assertThat(parse("tracing: { queue-size: 0 }\n").problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).isEqualTo("tracing.queue-size (line 1): 0 (expected: >= 1)"));
    }
}
