package dev.lanyard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientOptionsTest {

    @TempDir
    Path data;

    @Test
    void the_operator_token_is_read_from_the_data_folder_and_trimmed() throws IOException {
        Files.writeString(data.resolve("operator-token"), "  secret-from-file\n");

        var connection = options(Optional.empty(), Optional.of(data)).resolve(context(Map.of()));

        assertThat(connection.operatorToken()).isEqualTo("secret-from-file");
        assertThat(connection.server()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    }

    @Test
    void the_data_folder_comes_from_LANYARD_DATA_when_not_given() throws IOException {
        Files.writeString(data.resolve("operator-token"), "from-env-folder");

        var connection = options(Optional.empty(), Optional.empty()).resolve(context(Map.of("LANYARD_DATA", data.toString())));

        assertThat(connection.operatorToken()).isEqualTo("from-env-folder");
    }

    @Test
    void the_option_wins_over_the_variable_which_wins_over_the_file() throws IOException {
        Files.writeString(data.resolve("operator-token"), "from-file");
        var env = context(Map.of("LANYARD_OPERATOR_TOKEN", "from-env"));

        assertThat(options(Optional.of("from-option"), Optional.of(data)).resolve(env).operatorToken()).isEqualTo("from-option");
        assertThat(options(Optional.empty(), Optional.of(data)).resolve(env).operatorToken()).isEqualTo("from-env");
    }

    @Test
    void the_server_comes_from_the_option_then_LANYARD_SERVER_without_trailing_slash() {
        var fromEnv = options(Optional.of("t"), Optional.empty()).resolve(context(Map.of("LANYARD_SERVER", "https://lanyard.example/")));
        var options = options(Optional.of("t"), Optional.empty());
        options.server = Optional.of("http://10.0.0.5:9000");

        assertThat(fromEnv.server()).isEqualTo(URI.create("https://lanyard.example"));
        assertThat(options.resolve(context(Map.of("LANYARD_SERVER", "https://ignored"))).server())
                .isEqualTo(URI.create("http://10.0.0.5:9000"));
    }

    @Test
    void without_a_token_the_error_says_how_to_get_one() {
        assertThatThrownBy(() -> options(Optional.empty(), Optional.of(data)).resolve(context(Map.of())))
                .isInstanceOf(CliException.class)
                .hasMessage("no operator token: start the server once with `bin/lanyard serve --data " + data
                        + "` (it writes " + data.resolve("operator-token") + ") or pass --token");
    }

    @Test
    void a_missing_token_exits_1_with_the_hint_on_stderr() {
        var result = CliRunner.run(Map.of(), "org", "list", "--data", data.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("error: no operator token: start the server once with `bin/lanyard serve --data");
    }

    @Test
    void a_server_that_is_not_an_http_url_is_a_usage_error() {
        var result = CliRunner.run(Map.of(), "org", "list", "--token", "t", "--server", "ftp://x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--server / LANYARD_SERVER must be an http(s) URL, got ftp://x");
    }

    @Test
    void the_token_never_shows_in_the_connection_description() {
        var connection = options(Optional.of("very-secret"), Optional.empty()).resolve(context(Map.of()));

        assertThat(connection.toString()).doesNotContain("very-secret");
    }

    private static ClientOptions options(Optional<String> token, Optional<Path> dataDir) {
        ClientOptions options = new ClientOptions();
        options.token = token;
        options.data = dataDir;
        return options;
    }

    private static CliContext context(Map<String, String> env) {
        return new CliContext(env, settings -> {
            throw new AssertionError("no server in client commands");
        });
    }
}
