package io.tollgate.core.config;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in config values; {@code $${...}} stands for a
 * literal {@code ${...}}. An unset variable without a default is an error (write
 * {@code ${OPENAI_API_KEY:-}} for an optional one), so a typo never silently becomes "".
 */
public final class EnvSubstitution {

    private final Function<String, @Nullable String> env;

    public EnvSubstitution(Function<String, @Nullable String> env) {
        this.env = env;
    }

    public static EnvSubstitution system() {
        return new EnvSubstitution(System::getenv);
    }

    /** The value with every reference replaced; throws {@link IllegalArgumentException} naming an unset variable. */
    public String apply(String value) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '${' in '" + value + "'");
                }
                String ref = value.substring(i + 2, end);
                int sep = ref.indexOf(":-");
                String name = sep < 0 ? ref : ref.substring(0, sep);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new IllegalArgumentException("'${" + ref + "}' is not a variable reference (expected: ${NAME} or ${NAME:-default})");
                }
                String v = env.apply(name);
                if (v == null || (v.isEmpty() && sep >= 0)) {
                    if (sep < 0) {
                        throw new IllegalArgumentException("environment variable " + name + " is not set (write ${" + name + ":-} to make it optional)");
                    }
                    v = ref.substring(sep + 2);
                }
                out.append(v);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
