package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.PromptsConfig;
import io.tollgate.core.prompt.PromptRegistry;
import io.tollgate.core.routing.Providers;
import io.tollgate.core.testing.TestFilterServices;
import io.tollgate.server.config.ConfigCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The configs we ship load and pass validate's checks with no environment at all, and every provider type in them exists. */
class ShippedConfigTest {

    static Stream<Path> shippedConfigs() throws IOException {
        Path root = Path.of("..", "config");
        return Stream.concat(Stream.of(root.resolve("gateway.yaml")), Files.list(root.resolve("examples")).filter(p -> p.toString().endsWith(".yaml")));
    }

    @ParameterizedTest
    @MethodSource("shippedConfigs")
    void loadsWithNoEnvironmentAndBuildsEveryProvider(Path file) {
        ConfigLoader.LoadResult result = ConfigLoader.load(file, Map.<String, String>of()::get);
        assertThat(result.problems()).as(file.toString()).isEmpty();
        Providers providers = Providers.load(result.config(), TestFilterServices.create());
        assertThat(providers.all().keySet()).containsExactlyInAnyOrderElementsOf(result.config().providers().keySet());
    }

    @ParameterizedTest
    @MethodSource("shippedConfigs")
    void passesEveryCheckOfValidateWithNoEnvironment(Path file) {
        ConfigLoader.LoadResult loaded = ConfigLoader.load(file, Map.<String, String>of()::get);
        assertThat(ConfigCheck.checked(loaded).problems()).as(file.toString()).isEmpty();
        assertThat(Providers.warnings(loaded.config())).as(file + ": no key that does nothing").isEmpty();
        // prompts.dir is relative to the working directory, the repository's root when the gateway runs: check the
        // shipped prompt files from here too
        Path prompts = Path.of("..").resolve(loaded.config().prompts().dir());
        assertThat(prompts).isDirectory();
        assertThat(PromptRegistry.check(new PromptsConfig(prompts.toString(), null))).as(prompts.toString()).isEmpty();
    }

    @Test
    void theShippedConfigServesTheMockWithoutKeys() {
        var config = ConfigLoader.load(Path.of("..", "config", "gateway.yaml"), Map.<String, String>of()::get).orThrow();
        Providers providers = Providers.load(config, TestFilterServices.create());
        assertThat(providers.get("mock").isEnabled()).isTrue();
        assertThat(providers.get("openai").isEnabled()).isFalse();
        assertThat(providers.get("anthropic").isEnabled()).isFalse();
        assertThat(config.models()).containsKeys("mock-chat", "mock-embed", "chat");
    }

    @Test
    void validateListsEveryProblemWithItsLine() throws IOException {
        Path bad = Files.createTempFile("bad", ".yaml");
        Files.writeString(bad, """
                server: { port: "eighty" }
                providers: { p: { type: openai } }
                models:
                  m: { targets: [ { provider: q, model: x } ], routing: random }
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.validate(bad, new PrintStream(out), new PrintStream(err));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("2 problem(s)",
                "server.port (line 1): 'eighty' (expected: an integer)",
                "models.m.routing (line 4): 'random' (expected: one of fallback, weighted, least-latency, lowest-cost)");
        assertThat(Main.validate(Path.of("..", "config", "gateway.yaml"), new PrintStream(out), new PrintStream(err))).isZero();
        Files.delete(bad);
    }
}
