package io.tollgate.core.prompt;

import io.tollgate.core.config.ConfigException;
import io.tollgate.core.config.ConfigProblem;
import io.tollgate.core.config.PromptsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The prompt files of one config version: {@code <dir>/<id>.yaml}, parsed and compiled. Immutable. */
public final class PromptRegistry {

    public static final PromptRegistry EMPTY = new PromptRegistry(Map.of());

    private static final String PATH = "prompts.dir";

    private final Map<String, PromptDefinition> prompts;

    PromptRegistry(Map<String, PromptDefinition> prompts) {
        this.prompts = Map.copyOf(prompts);
    }

    /**
     * Reads {@code prompts.dir}. The default folder may be absent (a gateway without prompts); a folder the
     * config names must exist, or a typo would switch prompts off without a word. Blocking; throws with the
     * problem of every bad file.
     */
    public static PromptRegistry load(PromptsConfig config) {
        return scan(config).orThrow();
    }

    /** What {@link #load(PromptsConfig)} would throw for, file by file. Reads the files, writes nothing. */
    public static List<ConfigProblem> check(PromptsConfig config) {
        return scan(config).problems();
    }

    /** Reads every {@code *.yaml}/{@code *.yml} in {@code dir}; a missing dir is an empty registry. Blocking. */
    public static PromptRegistry load(Path dir) {
        return scan(dir).orThrow();
    }

    private static Scan scan(PromptsConfig config) {
        Path dir;
        try {
            dir = Path.of(config.dir());
        } catch (InvalidPathException e) {
            return Scan.failed("'" + config.dir() + "' is not a valid path (" + e.getReason() + ")");
        }
        if (Files.isDirectory(dir) || (!Files.exists(dir) && config.dir().equals(PromptsConfig.DEFAULT_DIR))) {
            return scan(dir);
        }
        return Scan.failed("'" + config.dir() + "' " + (Files.exists(dir) ? "is not a folder" : "does not exist")
                + " (expected: a folder of <id>.yaml prompt files, relative to the working directory " + Path.of("").toAbsolutePath() + ")");
    }

    private static Scan scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            return new Scan(EMPTY, List.of());
        }
        Map<String, PromptDefinition> prompts = new TreeMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                try {
                    PromptDefinition d = PromptFileParser.parse(f);
                    if (prompts.putIfAbsent(d.id(), d) != null) {
                        problems.add(new ConfigProblem(PATH, 0, f.getFileName() + ": prompt id '" + d.id() + "' is defined twice"));
                    }
                } catch (ConfigException e) {
                    problems.add(new ConfigProblem(PATH, 0, e.getMessage()));   // names the file, the path in it and the line
                }
            }
        } catch (IOException e) {
            problems.add(new ConfigProblem(PATH, 0, "cannot list " + dir + ": " + e.getMessage()));
        }
        return new Scan(new PromptRegistry(prompts), problems);
    }

    /** The prompts read, and the problem of each file that could not be. */
    private record Scan(PromptRegistry registry, List<ConfigProblem> problems) {

        static Scan failed(String message) {
            return new Scan(EMPTY, List.of(new ConfigProblem(PATH, 0, message)));
        }

        PromptRegistry orThrow() {
            if (!problems.isEmpty()) {
                throw new ConfigException(PATH, problems.stream().map(ConfigProblem::message).collect(Collectors.joining("; ")));
            }
            return registry;
        }
    }

    public @Nullable PromptDefinition get(String id) {
        return prompts.get(id);
    }

    public Map<String, PromptDefinition> all() {
        return prompts;
    }
}
