package io.tollgate.core.config;

import java.nio.file.Path;

/**
 * {@code prompts:} where prompt files live ({@code <dir>/<id>.yaml}), relative to the working directory.
 *
 * @param dir        prompt files directory
 * @param labelsFile where earlier builds kept runtime label moves ({@code PUT /admin/prompts/{id}/labels/{label}});
 *                   they now live in the ledger database, which imports this file once, when no label was moved
 *                   there yet. Null = {@code prompt-labels.json} next to the SQLite ledger (see {@link #labelsFile(StateConfig)})
 */
public record PromptsConfig(String dir, String labelsFile) {

    /** Where prompts are looked for when {@code dir} is not set; unlike a folder the config names, it may be absent. */
    public static final String DEFAULT_DIR = "config/prompts";

    public static final PromptsConfig DEFAULT = new PromptsConfig(null, null);

    public PromptsConfig {
        dir = Defaults.or(dir, DEFAULT_DIR);
    }

    /** The legacy labels file: the configured one, else next to the ledger's database, else {@code data/prompt-labels.json}. */
    public Path labelsFile(StateConfig state) {
        if (labelsFile != null && !labelsFile.isBlank()) {
            return Path.of(labelsFile);
        }
        if (state.ledger().startsWith("sqlite:")) {
            Path db = Path.of(state.ledger().substring("sqlite:".length()));
            return db.getParent() == null ? Path.of("prompt-labels.json") : db.getParent().resolve("prompt-labels.json");
        }
        return Path.of("data", "prompt-labels.json");
    }
}
