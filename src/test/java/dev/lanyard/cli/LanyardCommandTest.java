package dev.lanyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LanyardCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "serve", "org create", "org list", "provisioning enable", "provisioning disable",
        "token create", "token list", "token revoke", "account list", "account delete"
    })
    void every_command_has_help(String command) {
        var result = CliRunner.run(Map.of(), (command + " --help").split(" "));

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: lanyard " + command);
    }

    @Test
    void a_group_without_subcommand_is_a_usage_error() {
        var result = CliRunner.run(Map.of(), "token");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required subcommand").contains("create", "list", "revoke");
    }

    @Test
    void enum_values_are_case_insensitive() {
        var result = CliRunner.run(Map.of(), "account", "list", "acme", "--status", "Bogus", "--token", "t");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("ACTIVE, DEACTIVATED, INVALIDATED, DISABLED").contains("case-insensitive");
    }
}
