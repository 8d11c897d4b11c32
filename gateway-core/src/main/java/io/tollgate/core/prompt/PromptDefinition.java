package io.tollgate.core.prompt;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import org.jspecify.annotations.Nullable;

/**
 * One prompt file: its versions, the labels pointing at them and an optional A/B split on a label.
 *
 * @param labels label -> version as written in the file (runtime overrides live in {@link LabelOverrides})
 */
public record PromptDefinition(String id, Path file, Map<String, Integer> labels, @Nullable Split split,
                               NavigableMap<Integer, PromptVersion> versions) {

    /** Requests resolving {@code label} are spread over versions by {@code weights}, sticky per user. */
    public record Split(String label, Map<Integer, Integer> weights) {}
}
