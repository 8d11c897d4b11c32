package io.tollgate.core.config;

import java.util.List;

/**
 * One thing wrong with a config file.
 *
 * @param path    YAML path, e.g. {@code models.chat.targets[0].weight}
 * @param line    1-based line in the file, or 0 when unknown
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String path, int line, String message) {

    /**
     * The problems {@code rule} throws as a {@link ConfigException}, or none. Lets a check run the very parse
     * or rule the build runs, rather than a copy of it.
     */
    public static List<ConfigProblem> thrownBy(Runnable rule) {
        try {
            rule.run();
            return List.of();
        } catch (ConfigException e) {
            return e.all().stream().map(ConfigException::problem).toList();
        }
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "" : path) + (line > 0 ? " (line " + line + ")" : "") + (path.isEmpty() && line <= 0 ? "" : ": ") + message;
    }
}
