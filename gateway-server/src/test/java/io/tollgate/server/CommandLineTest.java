package io.tollgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void serveIsTheDefaultAndTakesItsOptionsInEitherForm() {
        CommandLine line = CommandLine.parse("--config", "my.yaml", "--port=9000");
        assertThat(line.error()).isNull();
        assertThat(line.command()).isEqualTo("serve");
        assertThat(line.option("--config", "x")).isEqualTo("my.yaml");
        assertThat(line.option("--port", null)).isEqualTo("9000");
        assertThat(line.option("--host", "fallback")).isEqualTo("fallback");
    }

    @Test
    void helpIsAskedForAnywhere() {
        assertThat(CommandLine.parse("--help").command()).isEqualTo("help");
        assertThat(CommandLine.parse("validate", "-h").command()).isEqualTo("help");
        assertThat(CommandLine.parse("help").error()).isNull();
    }

    @Test
    void whatACommandDoesNotTakeIsRefusedNotIgnored() {
        assertThat(CommandLine.parse("--prot", "80").error()).isEqualTo("unknown option for serve: --prot");
        assertThat(CommandLine.parse("validate", "--port", "80").error()).isEqualTo("unknown option for validate: --port");
        assertThat(CommandLine.parse("serve", "--config").error()).isEqualTo("--config needs a value");
        assertThat(CommandLine.parse("srve").error()).isEqualTo("unknown command: srve");
        assertThat(CommandLine.parse("serve", "stray").error()).isEqualTo("unknown option for serve: stray");
    }

    @Test
    void aPortMustBeAPortNumber() {
        assertThat(CommandLine.parse("--port", "abc").error()).isEqualTo("--port abc (expected: a port number, 0-65535)");
        assertThat(CommandLine.parse("--port", "65536").error()).contains("expected: a port number");
        assertThat(CommandLine.parse("--port", "-1").error()).contains("expected: a port number");
        assertThat(CommandLine.parse("--port", "0").error()).isNull();
    }
}
