package io.tollgate.core.config;

/** {@code prompts:} where prompt files live ({@code <dir>/<id>.yaml}), relative to the working directory. */
public record PromptsConfig(String dir) {

    public static final PromptsConfig DEFAULT = new PromptsConfig(null);

    public PromptsConfig {
        dir = Defaults.or(dir, "config/prompts");
    }
}
