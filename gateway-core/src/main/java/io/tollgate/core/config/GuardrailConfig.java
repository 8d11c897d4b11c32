package io.tollgate.core.config;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code guardrails[i]:} one content check on what a model reads (input) or writes (output).
 *
 * @param name   unique; named in the {@code guardrail_blocked} message and the {@code guardrail} metric tag
 * @param stage  input | output | both (default input)
 * @param models aliases it applies to; empty = every alias
 * @param action block (400 {@code guardrail_blocked}) | redact (each match becomes {@code [REDACTED:<detector>]})
 * @param match  built-in detectors ({@link #DETECTORS}) or {@code regex:<java regex>}
 */
public record GuardrailConfig(String name, Stage stage, List<String> models, Action action, List<String> match) {

    public enum Stage { INPUT, OUTPUT, BOTH }

    public enum Action { BLOCK, REDACT }

    /** The built-in detector names; {@code io.tollgate.core.guardrail.Detector} implements each. */
    public static final Set<String> DETECTORS = Set.of("email", "phone", "credit-card", "us-ssn", "ipv4", "aws-access-key", "private-key");

    /** The prefix of a custom detector: {@code regex:sk-[A-Za-z0-9]{20,}}. */
    public static final String REGEX = "regex:";

    public GuardrailConfig {
        if (name == null || name.isBlank()) throw new ConfigException("name", "is required");
        stage = Defaults.or(stage, Stage.INPUT);
        models = Defaults.list(models);
        action = Defaults.or(action, Action.BLOCK);
        match = Defaults.list(match);
        if (match.isEmpty()) {
            throw new ConfigException("match", "is required (expected: a list of " + String.join(", ", DETECTORS.stream().sorted().toList())
                    + " or regex:<java regex>)");
        }
        for (int i = 0; i < match.size(); i++) {
            check("match[" + i + "]", match.get(i));
        }
    }

    /** True when the guardrail reads requests. */
    public boolean onInput() {
        return stage != Stage.OUTPUT;
    }

    /** True when the guardrail reads answers. */
    public boolean onOutput() {
        return stage != Stage.INPUT;
    }

    private static void check(String field, String detector) {
        if (detector.startsWith(REGEX)) {
            String regex = detector.substring(REGEX.length());
            if (regex.isEmpty()) {
                throw new ConfigException(field, "'regex:' needs a pattern after the colon");
            }
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                // the description and index say what is wrong without echoing a multi-line caret diagram
                throw new ConfigException(field, "invalid regex: " + e.getDescription() + " near index " + e.getIndex());
            }
        } else if (!DETECTORS.contains(detector)) {
            throw new ConfigException(field, "'" + detector + "' (expected: one of " + String.join(", ", DETECTORS.stream().sorted().toList())
                    + ", or regex:<java regex>)");
        }
    }
}
