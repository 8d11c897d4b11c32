package io.tollgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file watcher: what reloads the gateway and, as much, what must not. */
class ConfigReloaderTest {

    static final String CONFIG = """
            server: { port: 8080 }
            auth: { mode: open }
            providers: { mock: { type: mock } }
            models: { chat: { targets: [ { provider: mock, model: %s } ] } }
            """;

    static final String GREETER = """
            id: greeter
            labels: { production: 1 }
            versions:
              1: { model: chat, messages: [ { role: system, content: "Hello." } ] }
            """;

    @TempDir
    Path dir;

    final List<GatewayConfig> applied = new CopyOnWriteArrayList<>();
    ConfigReloader reloader;

    /** The config serving model {@code model}, with its prompts in {@code prompts}. */
    String config(String model, String prompts) {
        return CONFIG.formatted(model) + "prompts: { dir: \"" + dir.resolve(prompts) + "\" }\n";
    }

    String config(String model) {
        return config(model, "prompts");
    }

    Path start() throws Exception {
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, config("one"));
        Files.createDirectories(dir.resolve("prompts"));
        reloader = new ConfigReloader(config, applied::add, new SimpleMeterRegistry());
        reloader.start(dir.resolve("prompts"));
        return config;
    }

    @AfterEach
    void close() {
        if (reloader != null) reloader.close();
    }

    String model(GatewayConfig c) {
        return c.models().get("chat").targets().get(0).model();
    }

    void awaitApplied(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> applied.size() >= n);
        assertThat(applied).hasSize(n);
    }

    /** Nothing is applied for a second: several debounce periods of the watcher. */
    void assertNothingAppliedForASecond() {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(applied::isEmpty);
    }

    @Test
    void aChangedConfigIsReloadedOnce() throws Exception {
        Path config = start();
        Files.writeString(config, config("two"));
        awaitApplied(1);
        assertThat(model(applied.get(0))).isEqualTo("two");
        // several debounce periods: the reload's own reads and logs start nothing new
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> applied.size() == 1);
    }

    @Test
    void aLogBesideTheConfigAndASameBytesSaveReloadNothing() throws Exception {
        Path config = start();
        Path log = dir.resolve("gateway.log");
        for (int i = 0; i < 20; i++) {   // a second of log lines, beyond the debounce
            Files.writeString(log, "line " + i + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(50);
        }
        // a log or ledger beside the config is not even read back: no look through twice the debounce a look waits
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> reloader.looks() == 0);
        Files.writeString(config, config("one"));   // an editor saving unchanged content
        assertNothingAppliedForASecond();
        assertThat(reloader.looks()).isEqualTo(1);
        // and the watcher still works afterwards
        Files.writeString(config, config("three"));
        awaitApplied(1);
        assertThat(model(applied.get(0))).isEqualTo("three");
    }

    @Test
    void aKubernetesConfigMapSwapReloads() throws Exception {
        // a mounted ConfigMap: gateway.yaml -> ..data/gateway.yaml, ..data -> ..<timestamp>; an update writes a new
        // timestamped folder and renames a new ..data link over the old one, so gateway.yaml itself sees no event
        Path first = Files.createDirectories(dir.resolve("..2026_01_15_12_00_00.1"));
        Files.writeString(first.resolve("gateway.yaml"), CONFIG.formatted("one"));
        Files.createSymbolicLink(dir.resolve("..data"), dir.relativize(first));
        Path config = Files.createSymbolicLink(dir.resolve("gateway.yaml"), Path.of("..data", "gateway.yaml"));
        reloader = new ConfigReloader(config, applied::add, new SimpleMeterRegistry());
        reloader.start(null);

        Path second = Files.createDirectories(dir.resolve("..2026_01_15_12_05_00.2"));
        Files.writeString(second.resolve("gateway.yaml"), CONFIG.formatted("two"));
        Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), dir.relativize(second));
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        awaitApplied(1);
        assertThat(model(applied.get(0))).isEqualTo("two");
    }

    @Test
    void aReloadIsCheckedAsValidateChecksItAndARefusedOneAppliesNothing() throws Exception {
        Path config = start();
        Files.writeString(config, CONFIG.formatted("two") + "cache: { enabled: true, backend: redis }\n");
        ConfigReloader.ReloadResult result = reloader.reloadNow();
        assertThat(result.success()).isFalse();
        assertThat(result.problems()).extracting(ConfigProblem::toString)
                .containsExactly("cache.backend (line 5): redis needs state.redis (a redis:// URL)");

        Files.writeString(config, config("three"));
        Files.writeString(dir.resolve("prompts/greeter.yaml"), "id: greeter\nversions: {}\n");
        result = reloader.reloadNow();
        assertThat(result.success()).isFalse();
        assertThat(result.problems()).extracting(ConfigProblem::path).containsExactly("prompts.dir");
        assertThat(result.problems().get(0).message()).startsWith("greeter.yaml: versions");
        assertNothingAppliedForASecond();   // the watcher's own reloads of these edits are refused too
    }

    @Test
    void aNewPromptFileReloadsButOtherFilesInThePromptsFolderDoNot() throws Exception {
        start();
        Files.writeString(dir.resolve("prompts/notes.txt"), "not a prompt");
        assertNothingAppliedForASecond();
        Files.writeString(dir.resolve("prompts/greeter.yaml"), GREETER);
        awaitApplied(1);
    }

    @Test
    void aReloadThatNamesAnotherPromptsFolderMovesTheWatchThere() throws Exception {
        Path config = start();
        Files.createDirectories(dir.resolve("prompts-v2"));
        Files.writeString(config, config("two", "prompts-v2"));
        awaitApplied(1);

        Files.writeString(dir.resolve("prompts-v2/greeter.yaml"), GREETER);   // watched without a restart
        awaitApplied(2);
        assertThat(model(applied.get(1))).isEqualTo("two");
        Files.writeString(dir.resolve("prompts/greeter.yaml"), GREETER);      // the old folder is no longer read
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> applied.size() == 2);
    }
}
