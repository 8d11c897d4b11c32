package io.tollgate.core.config;

/**
 * A config value that breaks a rule, thrown from a record's compact constructor. The loader adds
 * the path and line: {@code keys[2].limits.rpm (line 41): -5 (expected: >= 0)}.
 */
public final class ConfigException extends RuntimeException {

    private final String field;

    public ConfigException(String field, Object value, String expected) {
        super(field + ": " + value + " (expected: " + expected + ")");
        this.field = field;
    }

    public ConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The record component (kebab-case YAML key) at fault, relative to the record that threw. */
    public String field() {
        return field;
    }

    /** What is wrong, without the leading {@code field: }. */
    public String detail() {
        String m = getMessage();
        String prefix = field + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    /** This exception as a problem whose path is {@link #field()} (a full path when a check threw it); no line. */
    public ConfigProblem problem() {
        return new ConfigProblem(field, 0, detail());
    }
}
