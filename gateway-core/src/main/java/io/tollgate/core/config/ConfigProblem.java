package io.tollgate.core.config;

/**
 * One thing wrong with a config file.
 *
 * @param path    YAML path, e.g. {@code models.chat.targets[0].weight}
 * @param line    1-based line in the file, or 0 when unknown
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(String path, int line, String message) {

    @Override
    public String toString() {
        return (path.isEmpty() ? "" : path) + (line > 0 ? " (line " + line + ")" : "") + (path.isEmpty() && line <= 0 ? "" : ": ") + message;
    }
}
