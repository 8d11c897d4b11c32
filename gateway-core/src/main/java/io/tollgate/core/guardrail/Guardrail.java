package io.tollgate.core.guardrail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.core.config.GuardrailConfig;
import io.tollgate.core.error.ErrorCode;
import io.tollgate.core.error.GatewayError;

/** One configured guardrail, compiled once per config version: its detectors, its error and its meters. */
final class Guardrail {

    enum Stage {
        INPUT, OUTPUT;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    enum Result { PASS, BLOCKED, REDACTED }

    private final GuardrailConfig config;
    private final Detector[] detectors;
    private final GatewayError[] errors = new GatewayError[Stage.values().length];
    /** [stage][result]; null for a stage the guardrail does not check. */
    private final Counter[][] checks = new Counter[Stage.values().length][];

    Guardrail(GuardrailConfig config, MeterRegistry registry) {
        this.config = config;
        this.detectors = config.match().stream().map(Detector::of).toArray(Detector[]::new);
        for (Stage stage : Stage.values()) {
            if (stage == Stage.INPUT ? !config.onInput() : !config.onOutput()) {
                continue;
            }
            // the message names the guardrail and the stage, never what matched: that is the secret
            errors[stage.ordinal()] = GatewayError.of(ErrorCode.GUARDRAIL_BLOCKED,
                    "Blocked by guardrail '" + config.name() + "' (" + stage.label + ").");
            Counter[] byResult = new Counter[Result.values().length];
            for (Result result : Result.values()) {
                byResult[result.ordinal()] = Counter.builder("gateway.guardrail.checks")
                        .description("Guardrail checks by guardrail, stage and result")
                        .tag("guardrail", config.name())
                        .tag("stage", stage.label)
                        .tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry);
            }
            checks[stage.ordinal()] = byResult;
        }
    }

    String name() {
        return config.name();
    }

    boolean blocks() {
        return config.action() == GuardrailConfig.Action.BLOCK;
    }

    boolean checks(Stage stage, String alias) {
        return checks[stage.ordinal()] != null && (config.models().isEmpty() || config.models().contains(alias));
    }

    /** True when any detector finds something in {@code text}. */
    boolean matches(CharSequence text) {
        return matches(text, TextShape.of(text));
    }

    /** True when any detector finds something in {@code text}, whose shape is {@code shape}. */
    boolean matches(CharSequence text, TextShape shape) {
        for (Detector d : detectors) {
            if (d.find(text, shape)) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with every detector's matches replaced; the same instance when nothing matched. */
    String redact(String text) {
        return redact(text, 0, text.length());
    }

    /** {@code text} with every detector's matches inside {@code [from, to)} replaced (the text around it stays as it is). */
    String redact(String text, int from, int to) {
        int after = text.length() - to;
        // the region's shape serves every detector: a replacement ([REDACTED:name]) adds no digit, '@', '.',
        // dash run or run of capitals long enough for a match
        TextShape shape = TextShape.of(text, from, to);
        String out = text;
        for (Detector d : detectors) {
            out = d.redact(out, from, out.length() - after, shape);
        }
        return out;
    }

    /** The earliest point from {@code from} on where one of the detectors might still match, given more text. */
    int openFrom(CharSequence text, int from) {
        int open = text.length();
        for (Detector d : detectors) {
            open = Math.min(open, d.openFrom(text, from));
        }
        return open;
    }

    /** {@code cut}, moved back to the start of any match that would straddle it. */
    int cutBefore(CharSequence text, int from, int cut) {
        int c = cut;
        for (Detector d : detectors) {
            c = d.cutBefore(text, from, c);
        }
        return c;
    }

    GatewayError error(Stage stage) {
        return errors[stage.ordinal()];
    }

    void count(Stage stage, Result result) {
        checks[stage.ordinal()][result.ordinal()].increment();
    }
}
