package io.tollgate.core.config;

/**
 * {@code prompts:} where prompt files live ({@code <dir>/<id>.yaml}), relative to the working directory.
 *
 * @param dir        prompt files directory
 * @param labelsFile where runtime label moves ({@code PUT /admin/prompts/{id}/labels/{label}}) are persisted
 *                   so they survive restarts; next to the ledger's database by default
 */
public record PromptsConfig(String dir, String labelsFile) {

    public static final PromptsConfig DEFAULT = new PromptsConfig(null, null);

    public PromptsConfig {
        dir = Defaults.or(dir, "config/prompts");
        labelsFile = Defaults.or(labelsFile, "data/prompt-labels.json");
    }
}
