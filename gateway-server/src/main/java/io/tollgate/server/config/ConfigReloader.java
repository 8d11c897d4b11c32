package io.tollgate.server.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.ConfigLoader;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config on file change (the config file's folder and the prompts folder are watched;
 * editors that save by rename and Kubernetes' symlink swaps are handled; a reload that names another
 * prompts folder moves the watch there), on SIGHUP, and on demand
 * ({@code POST /admin/reload}). A new file is checked first, exactly as {@code validate} checks it
 * ({@link ConfigCheck}); only a valid one reaches {@code apply}, so a broken edit (a prompt file's included)
 * leaves the old config serving. Reloads are serialized.
 *
 * <p>The watched folders may hold other files that change all the time (the SQLite ledger or a log beside
 * the config): their events are ignored by name, and a change reloads only when what a reload reads differs
 * from what the last one read, i.e. the config file's bytes or a prompt file's name, size or modification
 * time. Before, a log beside the config reloaded the gateway on its own log lines, four times a second.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);
    private static final long DEBOUNCE_MILLIS = 250;

    /** How a reload went. */
    public record ReloadResult(boolean success, List<ConfigProblem> problems) {}

    private final Path file;
    private final Consumer<GatewayConfig> apply;
    private final Counter successes;
    private final Counter failures;
    private volatile WatchService watcher;
    private volatile Thread thread;
    private final Map<Path, WatchKey> promptKeys = new HashMap<>();   // guarded by this
    /** {@code promptKeys}' folders, a snapshot the watch thread reads without the lock. */
    private volatile List<Path> promptDirs = List.of();
    /** {@link #inputs()} as the last reload (or {@link #start}) saw them. */
    private volatile List<Object> lastInputs = List.of();
    private final AtomicLong looks = new AtomicLong();

    public ConfigReloader(Path file, Consumer<GatewayConfig> apply, MeterRegistry registry) {
        this.file = file.toAbsolutePath().normalize();
        this.apply = apply;
        this.successes = Counter.builder("gateway.config.reloads").tag("result", "success").description("Config reloads").register(registry);
        this.failures = Counter.builder("gateway.config.reloads").tag("result", "failure").description("Config reloads").register(registry);
    }

    /** Validates the file and applies it if valid; never throws. */
    public synchronized ReloadResult reloadNow() {
        lastInputs = inputs();
        ConfigLoader.LoadResult result;
        try {
            result = ConfigCheck.load(file);   // what validate and serve check, no less
        } catch (RuntimeException e) {   // a bug in a check: the watcher thread and SIGHUP must outlive it
            failures.increment();
            log.error("config reload rejected, the previous config keeps serving: checking {} failed", file, e);
            return new ReloadResult(false, List.of(new ConfigProblem("", 0, "checking the file failed: " + e)));
        }
        if (!result.isValid()) {
            failures.increment();
            log.error("config reload rejected, the previous config keeps serving; {} problem(s) in {}:", result.problems().size(), file);
            result.problems().forEach(p -> log.error("  {}", p));
            return new ReloadResult(false, result.problems());
        }
        try {
            watchPrompts(Path.of(result.config().prompts().dir()));
            apply.accept(result.config());
        } catch (RuntimeException e) {
            failures.increment();
            log.error("config reload rejected, the previous config keeps serving: {}", e.getMessage());
            return new ReloadResult(false, List.of(new ConfigProblem("", 0, String.valueOf(e.getMessage()))));
        }
        successes.increment();
        return new ReloadResult(true, List.of());
    }

    /** Starts watching the file and the prompts folder the running config names, and listening for SIGHUP. */
    public void start(@Nullable Path promptsDir) throws IOException {
        WatchService ws = FileSystems.getDefault().newWatchService();
        register(ws, file.getParent());
        watcher = ws;
        if (promptsDir != null) {
            watchPrompts(promptsDir);
        }
        lastInputs = inputs();
        Thread t = Thread.ofPlatform().daemon().name("tollgate-config-watch").start(this::watch);
        thread = t;
        SignalHandlers.onHangup(() -> {
            log.info("SIGHUP: reloading {}", file);
            Thread.ofVirtual().start(this::reloadNow);
        });
    }

    private static WatchKey register(WatchService ws, Path dir) throws IOException {
        return dir.register(ws, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
    }

    /**
     * Watches {@code dir} as the prompts folder instead of the one watched so far, so a reload that names another
     * {@code prompts.dir} (or one created since) is followed without a restart. {@link #lastInputs} keeps the old
     * folder's files, so the first event from the new one reloads even if the edit it reports came mid-reload.
     * A folder that does not exist is not watched: the next reload looks again.
     */
    private synchronized void watchPrompts(Path dir) {
        WatchService ws = watcher;
        Path normalized = dir.toAbsolutePath().normalize();
        WatchKey current = promptKeys.get(normalized);
        if (ws == null || (current != null && current.isValid())) {   // invalid: the folder was deleted since
            return;
        }
        WatchKey key = null;
        if (Files.isDirectory(normalized)) {
            try {
                key = register(ws, normalized);
            } catch (IOException | ClosedWatchServiceException e) {
                log.warn("cannot watch the prompts folder {}: its changes reload only on SIGHUP or POST /admin/reload ({})",
                        normalized, e.toString());
            }
        }
        // one key per folder and service: the config's own folder (prompts beside it) keeps its key
        promptKeys.forEach((old, oldKey) -> { if (!old.equals(file.getParent())) oldKey.cancel(); });
        promptKeys.clear();
        if (key != null) {
            promptKeys.put(normalized, key);
        }
        promptDirs = List.copyOf(promptKeys.keySet());
    }

    private void watch() {
        WatchService ws = watcher;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (!namesAnInput(ws.take())) {
                    continue;
                }
                // Debounce: editors write a file in several steps (truncate, write, rename); wait for quiet.
                for (WatchKey key = ws.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS); key != null;
                        key = ws.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS)) {
                    key.pollEvents();
                    key.reset();
                }
                looks.incrementAndGet();
                if (Files.isRegularFile(file) && !inputs().equals(lastInputs)) {
                    log.info("config change detected, reloading {}", file);
                    reloadNow();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /**
     * Whether {@code key}'s events may have changed what a reload reads: the config file, a prompt file, or a
     * name starting with {@code ..} (Kubernetes swaps a mounted ConfigMap by renaming its {@code ..data} link,
     * so the files, links into it, see no event of their own). A ledger or log beside the config, written
     * all the time, then costs no read of the config.
     */
    private boolean namesAnInput(WatchKey key) {
        Path dir = (Path) key.watchable();
        boolean input = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path changed)) {
                input = true;   // events were lost: look
                continue;
            }
            String name = changed.toString();
            input |= name.startsWith("..")
                    || (dir.equals(file.getParent()) && (name.equals(file.getFileName().toString()) || name.equals(linkedName())))
                    || (promptDirs.contains(dir) && (name.endsWith(".yaml") || name.endsWith(".yml")));
        }
        key.reset();
        return input;
    }

    /** The name of the file the config file links to, when it is a link into its own folder; else null. */
    private @Nullable String linkedName() {
        try {
            Path real = file.toRealPath();
            return real.getParent().equals(file.getParent().toRealPath()) ? real.getFileName().toString() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** How many times the watcher compared what a reload reads with the last reload's (for tests). */
    long looks() {
        return looks.get();
    }

    /**
     * What a reload reads, cheaply comparable: the config file's bytes (through any symlink, so a Kubernetes
     * ConfigMap swap counts) and the name, size and modification time of each prompt file.
     */
    private List<Object> inputs() {
        List<Object> inputs = new ArrayList<>();
        try {
            inputs.add(ByteBuffer.wrap(Files.readAllBytes(file)));
        } catch (IOException e) {
            inputs.add("unreadable");   // the reload that follows reports why
        }
        for (Path dir : promptDirs) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(f -> {
                    try {
                        inputs.add(f.getFileName() + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis());
                    } catch (IOException e) {
                        inputs.add(f.getFileName() + " gone");
                    }
                });
            } catch (IOException e) {
                inputs.add(dir + " unreadable");
            }
        }
        return inputs;
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        WatchService ws = watcher;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                log.debug("closing the watch service", e);
            }
        }
    }
}
