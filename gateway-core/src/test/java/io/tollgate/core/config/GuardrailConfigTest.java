package io.tollgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code guardrails:} through the loader: defaults, and every mistake reported with its path and line. */
class GuardrailConfigTest {

    private static final String MODELS = """
            providers: { mock: { type: mock } }
            models: { chat: { targets: [ { provider: mock, model: m } ] } }
            """;

    private static ConfigLoader.LoadResult parse(String guardrails) {
        return ConfigLoader.parse(MODELS + "guardrails:\n" + guardrails, "gateway.yaml", name -> null);
    }

    private static ConfigProblem onlyProblem(String guardrails) {
        List<ConfigProblem> problems = parse(guardrails).problems();
        assertThat(problems).hasSize(1);
        return problems.getFirst();
    }

    @Test
    void bindsEveryKeyWithDefaults() {
        GatewayConfig c = parse("""
                  - name: no-secrets
                    match: [credit-card, "regex:sk-[A-Za-z0-9]{20,}"]
                  - { name: pii, stage: both, models: [chat], action: redact, match: [email, phone] }
                """).orThrow();
        GuardrailConfig first = c.guardrails().get(0);
        assertThat(first.stage()).isEqualTo(GuardrailConfig.Stage.INPUT);
        assertThat(first.action()).isEqualTo(GuardrailConfig.Action.BLOCK);
        assertThat(first.models()).isEmpty();
        assertThat(first.match()).containsExactly("credit-card", "regex:sk-[A-Za-z0-9]{20,}");
        GuardrailConfig second = c.guardrails().get(1);
        assertThat(second.onInput()).isTrue();
        assertThat(second.onOutput()).isTrue();
        assertThat(second.models()).containsExactly("chat");
        assertThat(GatewayConfig.empty().guardrails()).isEmpty();
    }

    @Test
    void aBadRegexNamesItsPathAndLine() {
        ConfigProblem p = onlyProblem("""
                  - name: x
                    match: [email, "regex:sk-[A-Z"]
                """);
        assertThat(p.path()).isEqualTo("guardrails[0].match[1]");
        assertThat(p.line()).isEqualTo(5);
        assertThat(p.message()).startsWith("invalid regex: Unclosed character class");
    }

    @Test
    void anUnknownDetectorNamesItsPathAndTheChoices() {
        ConfigProblem p = onlyProblem("""
                  - { name: x, match: [email] }
                  - { name: y, match: [passport] }
                """);
        assertThat(p.path()).isEqualTo("guardrails[1].match[0]");
        assertThat(p.line()).isEqualTo(5);
        assertThat(p.message()).contains("'passport'", "credit-card", "regex:<java regex>");
    }

    @Test
    void unknownKeysAndWrongTypesAreErrors() {
        ConfigProblem unknown = onlyProblem("""
                  - { name: x, match: [email], mode: block }
                """);
        assertThat(unknown.path()).isEqualTo("guardrails[0].mode");
        assertThat(unknown.message()).startsWith("unknown key");

        ConfigProblem stage = onlyProblem("""
                  - { name: x, stage: sideways, match: [email] }
                """);
        assertThat(stage.path()).isEqualTo("guardrails[0].stage");
        assertThat(stage.message()).contains("input, output, both");

        ConfigProblem action = onlyProblem("""
                  - { name: x, action: [block], match: [email] }
                """);
        assertThat(action.path()).isEqualTo("guardrails[0].action");

        assertThat(onlyProblem("  { name: x }\n").path()).isEqualTo("guardrails");
    }

    @Test
    void nameAndMatchAreRequiredNamesUniqueAndModelsKnown() {
        assertThat(onlyProblem("  - { match: [email] }\n").path()).isEqualTo("guardrails[0].name");
        ConfigProblem noMatch = onlyProblem("  - { name: x }\n");
        assertThat(noMatch.path()).isEqualTo("guardrails[0].match");
        assertThat(noMatch.message()).startsWith("is required");

        ConfigProblem duplicate = onlyProblem("""
                  - { name: x, match: [email] }
                  - { name: x, match: [phone] }
                """);
        assertThat(duplicate.path()).isEqualTo("guardrails[1].name");
        assertThat(duplicate.line()).isEqualTo(5);

        ConfigProblem alias = onlyProblem("  - { name: x, models: [chat, chta], match: [email] }\n");
        assertThat(alias.path()).isEqualTo("guardrails[0].models[1]");
        assertThat(alias.message()).contains("unknown alias 'chta'");
    }
}
