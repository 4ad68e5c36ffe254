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

    /** `serve` gets a command line with only itself (Main, a faster start), and it is the same `serve`. */
    @Test
    void serve_runs_on_a_command_line_of_its_own_with_the_same_options() {
        ServerRunner none = settings -> { };
        var served = LanyardCommand.commandLine(Map.of(), none, new String[] {"serve", "--port", "0"});
        var full = LanyardCommand.commandLine(Map.of(), none, new String[] {"token", "list"});

        assertThat(served.getSubcommands().keySet()).containsExactly("serve");
        assertThat(full.getSubcommands()).hasSize(LanyardCommand.SUBCOMMANDS.size()).containsKey("serve");
        assertThat(served.getSubcommands().get("serve").getUsageMessage())
                .isEqualTo(full.getSubcommands().get("serve").getUsageMessage())
                .contains("-h, --help", "--port=PORT");
    }
}
