package dev.lanyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

    @Test
    void defaults_bind_to_localhost_8080_with_data_in_the_working_directory() {
        Settings settings = served(Map.of(), "serve");

        assertThat(settings).isEqualTo(new Settings("127.0.0.1", 8080, Path.of("data"), Optional.empty(), Optional.empty()));
        assertThat(settings.dataDir()).isEqualTo(Path.of("").toAbsolutePath().resolve("data"));
    }

    @Test
    void environment_variables_fill_in_for_missing_options() {
        Settings settings = served(Map.of(
                "LANYARD_HOST", "0.0.0.0",
                "LANYARD_PORT", "9090",
                "LANYARD_DATA", "/var/lib/lanyard",
                "LANYARD_PUBLIC_URL", "https://id.example.com",
                "LANYARD_DATABASE_URL", "jdbc:postgresql://db/lanyard"), "serve");

        assertThat(settings).isEqualTo(new Settings("0.0.0.0", 9090, Path.of("/var/lib/lanyard"),
                Optional.of(URI.create("https://id.example.com")), Optional.of("jdbc:postgresql://db/lanyard")));
    }

    @Test
    void options_win_over_environment_variables() {
        Settings settings = served(Map.of("LANYARD_HOST", "0.0.0.0", "LANYARD_PORT", "9090", "LANYARD_DATA", "/env"),
                "serve", "--host", "10.0.0.1", "--port", "0", "--data", "/opt", "--public-url", "http://proxy:80");

        assertThat(settings).isEqualTo(new Settings("10.0.0.1", 0, Path.of("/opt"),
                Optional.of(URI.create("http://proxy:80")), Optional.empty()));
    }

    @Test
    void the_database_pool_size_comes_from_LANYARD_DB_POOL_SIZE() {
        assertThat(served(Map.of("LANYARD_DB_POOL_SIZE", "4"), "serve").dbPoolSize()).isEqualTo(4);
        assertThat(served(Map.of(), "serve").dbPoolSize()).isEqualTo(Settings.DEFAULT_DB_POOL_SIZE);
        var bad = CliRunner.run(Map.of("LANYARD_DB_POOL_SIZE", "four"), "serve");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("error: LANYARD_DB_POOL_SIZE must be a number of connections, got 'four'\n");
    }

    @Test
    void blank_environment_variables_count_as_unset() {
        Settings settings = served(Map.of("LANYARD_PORT", " ", "LANYARD_PUBLIC_URL", ""), "serve");

        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.publicUrl()).isEmpty();
    }

    @Test
    void an_invalid_setting_names_the_key_and_exits_2_without_starting() {
        var badPort = CliRunner.run(Map.of("LANYARD_PORT", "eighty"), "serve");
        var outOfRange = CliRunner.run(Map.of(), "serve", "--port", "70000");
        var badDatabase = CliRunner.run(Map.of("LANYARD_DATABASE_URL", "postgres://x"), "serve");
        var badPublicUrl = CliRunner.run(Map.of(), "serve", "--public-url", "id.example.com");

        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.err()).isEqualTo("error: --port / LANYARD_PORT must be a number, got 'eighty'\n");
        assertThat(outOfRange.err()).contains("--port / LANYARD_PORT must be between 0 and 65535");
        assertThat(badDatabase.err()).contains("LANYARD_DATABASE_URL must start with jdbc:postgresql:");
        assertThat(badPublicUrl.err()).contains("--public-url / LANYARD_PUBLIC_URL must be an absolute http(s) URL");
        for (var result : new CliRunner.Result[] {badPort, outOfRange, badDatabase, badPublicUrl}) {
            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.served()).isEmpty();
        }
    }

    @Test
    void serve_alone_runs_without_picocli_and_with_options_through_it() {
        var frames = new java.util.ArrayList<String>();
        ServerRunner recordStack = settings -> {
            for (var frame : new Throwable().getStackTrace()) frames.add(frame.getClassName());
        };
        var sink = new java.io.PrintWriter(new java.io.StringWriter());

        assertThat(LanyardCommand.execute(Map.of(), recordStack, new String[] {"serve"}, sink, sink)).isZero();
        assertThat(frames).isNotEmpty().noneMatch(name -> name.startsWith("picocli."));

        frames.clear();
        assertThat(LanyardCommand.execute(Map.of(), recordStack, new String[] {"serve", "--port", "0"}, sink, sink)).isZero();
        assertThat(frames).anyMatch(name -> name.startsWith("picocli."));
    }

    @Test
    void a_failed_start_prints_its_stack_trace_and_exits_1_with_or_without_options() {
        ServerRunner failing = settings -> {
            throw new java.io.IOException("the embedded PostgreSQL did not start");
        };
        for (String[] args : new String[][] {{"serve"}, {"serve", "--port", "0"}}) {
            var err = new java.io.StringWriter();
            var sink = new java.io.PrintWriter(new java.io.StringWriter());
            assertThat(LanyardCommand.execute(Map.of(), failing, args, sink, new java.io.PrintWriter(err, true))).isEqualTo(1);
            assertThat(err.toString()).contains("java.io.IOException: the embedded PostgreSQL did not start").contains("\tat ");
        }
    }

    private static Settings served(Map<String, String> env, String... args) {
        var result = CliRunner.run(env, args);
        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.served()).hasSize(1);
        return result.served().getFirst();
    }
}
