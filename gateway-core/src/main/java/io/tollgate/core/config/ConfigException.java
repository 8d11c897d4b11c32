package io.tollgate.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A config value that breaks a rule, thrown from a record's compact constructor. The loader adds
 * the path and line: {@code keys[2].limits.rpm (line 41): -5 (expected: >= 0)}.
 */
public final class ConfigException extends RuntimeException {

    private final String field;
    /** Further problems found by the same check, thrown together so that {@code validate} lists them all. */
    private final List<ConfigException> others = new ArrayList<>();

    public ConfigException(String field, Object value, String expected) {
        super(field + ": " + value + " (expected: " + expected + ")");
        this.field = field;
    }

    public ConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /**
     * Throws the problems in {@code found}, all of them in one exception (see {@link #all()}); returns when
     * there is none. For a rule that checks many values and should name every bad one, not the first.
     */
    public static void throwAll(List<ConfigException> found) {
        if (found.isEmpty()) {
            return;
        }
        ConfigException first = found.get(0);
        first.others.addAll(found.subList(1, found.size()));
        throw first;
    }

    /** This problem and any thrown with it by {@link #throwAll}, in the order they were found. */
    public List<ConfigException> all() {
        List<ConfigException> all = new ArrayList<>(1 + others.size());
        all.add(this);
        all.addAll(others);
        return all;
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
