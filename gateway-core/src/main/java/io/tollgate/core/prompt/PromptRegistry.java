package io.tollgate.core.prompt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The prompt files of one config version: {@code <dir>/<id>.yaml}, parsed and compiled. Immutable. */
public final class PromptRegistry {

    public static final PromptRegistry EMPTY = new PromptRegistry(Map.of());

    private final Map<String, PromptDefinition> prompts;

    PromptRegistry(Map<String, PromptDefinition> prompts) {
        this.prompts = Map.copyOf(prompts);
    }

    /** Reads every {@code *.yaml}/{@code *.yml} in {@code dir}; a missing dir is an empty registry. Blocking. */
    public static PromptRegistry load(Path dir) {
        if (!Files.isDirectory(dir)) {
            return EMPTY;
        }
        Map<String, PromptDefinition> prompts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                PromptDefinition d = PromptFileParser.parse(f);
                if (prompts.put(d.id(), d) != null) {
                    throw new io.tollgate.core.config.ConfigException(f.getFileName().toString(), "prompt id '" + d.id() + "' is defined twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list prompt dir " + dir, e);
        }
        return new PromptRegistry(prompts);
    }

    public @Nullable PromptDefinition get(String id) {
        return prompts.get(id);
    }

    public Map<String, PromptDefinition> all() {
        return prompts;
    }
}
