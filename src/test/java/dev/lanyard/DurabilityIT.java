package dev.lanyard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The server as an operator runs it, in its own process on the embedded database: acknowledged
 * writes survive a kill -9, and SIGTERM stops it cleanly (PostgreSQL included).
 */
class DurabilityIT {
    Path data;
    Process server;
    int port;

    @BeforeEach
    void setUp() throws IOException {
        assumeFalse(TestDb.external(), "the embedded database is what this test is about");
        data = Files.createTempDirectory("lanyard-durability");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
        }
        if (data != null) {
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void acknowledged_writes_survive_kill_9_of_lanyard_and_postgresql() throws Exception {
        start();
        Http http = new Http("http://127.0.0.1:" + port);
        String operator = Files.readString(data.resolve("operator-token")).strip();
        String orgId = http.send("POST", "/admin/api/orgs", operator, "{\"name\":\"durable\"}").expect(201).json().get("id").asText();
        http.send("PUT", "/admin/api/orgs/" + orgId + "/provisioning", operator, "{\"enabled\":true}").expect(200);
        JsonNode token = http.send("POST", "/admin/api/orgs/" + orgId + "/tokens", operator, "{}").expect(201).json();
        String scim = "/scim/v2/" + orgId;
        for (int i = 0; i < 20; i++) {
            http.send("POST", scim + "/Users", token.get("token").asText(), "{\"userName\":\"u" + i + "@example.com\"}").expect(201);
        }

        // A crash of everything: SIGKILL to Lanyard (no shutdown hook runs) and to PostgreSQL, which
        // must then recover from its write-ahead log on the next start.
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).getFirst().strip());
        server.destroyForcibly();
        ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle.of(postmaster).ifPresent(p -> p.onExit().join());

        start();
        http = new Http("http://127.0.0.1:" + port);
        JsonNode users = http.send("GET", scim + "/Users?count=100", token.get("token").asText(), (String) null).expect(200).json();
        assertThat(users.get("totalResults").asInt()).isEqualTo(20);
        // The operator credential written on the first start is still the valid one.
        assertThat(Files.readString(data.resolve("operator-token")).strip()).isEqualTo(operator);
        http.send("GET", "/admin/api/orgs", operator, (String) null).expect(200);
    }

    /**
     * Issue 8 item 11: kill -9 of Lanyard and its whole PostgreSQL, then an immediate restart,
     * three times. The killed postmaster's pid file is left behind each time; the second round
     * makes it name a zombie (what a container whose init does not reap leaves) and the third a
     * live process that is no postgres (a reused PID): PostgreSQL alone refuses both.
     */
    @Test
    void kill_9_and_immediate_restart_repeated_always_comes_back_with_every_acknowledged_write() throws Exception {
        start();
        String operator = Files.readString(data.resolve("operator-token")).strip();
        Http http = new Http("http://127.0.0.1:" + port);
        String orgId = http.send("POST", "/admin/api/orgs", operator, "{\"name\":\"crashy\"}").expect(201).json().get("id").asText();
        http.send("PUT", "/admin/api/orgs/" + orgId + "/provisioning", operator, "{\"enabled\":true}").expect(200);
        String token = http.send("POST", "/admin/api/orgs/" + orgId + "/tokens", operator, "{}").expect(201).json().get("token").asText();
        String scim = "/scim/v2/" + orgId;
        int acknowledged = 0;
        Process decoy = new ProcessBuilder("sh", "-c", "sleep 300 & echo $!; kill -9 $!; exec sleep 300").start();
        try {
            long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(decoy.getInputStream())).readLine().strip());
            for (int round = 0; round < 3; round++) {
                http = new Http("http://127.0.0.1:" + port);
                for (int i = 0; i < 10; i++) {
                    http.send("POST", scim + "/Users", token, "{\"userName\":\"r" + round + "u" + i + "@example.com\"}").expect(201);
                    acknowledged++;
                }
                killEverything();
                Path pidFile = data.resolve("postgres/postmaster.pid");
                assertThat(pidFile).exists();
                if (round == 1) replacePid(pidFile, zombie);
                if (round == 2) replacePid(pidFile, decoy.pid());
                start();
                http = new Http("http://127.0.0.1:" + port);
                JsonNode users = http.send("GET", scim + "/Users?count=1", token, (String) null).expect(200).json();
                assertThat(users.get("totalResults").asInt()).as("round %d", round).isEqualTo(acknowledged);
            }
        } finally {
            decoy.destroyForcibly();
        }
        String log = Files.readString(data.resolve("server.log"));
        assertThat(log).contains("is a zombie").contains("is another process");
    }

    /** SIGKILL to Lanyard and to the postmaster and every process under it, as a crash would. */
    private void killEverything() throws Exception {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).getFirst().strip());
        server.destroyForcibly();
        ProcessHandle.of(postmaster).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static void replacePid(Path pidFile, long pid) throws IOException {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(pidFile));
        lines.set(0, String.valueOf(pid));
        Files.write(pidFile, lines);
    }

    @Test
    void after_kill_9_of_lanyard_alone_the_next_start_stops_the_orphaned_postgresql_and_takes_over() throws Exception {
        start();
        server.destroyForcibly();  // PostgreSQL, its child, keeps running and holds the data folder
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        start();
        assertThat(Files.readString(data.resolve("server.log"))).contains("from an earlier run");
    }

    @Test
    void sigterm_stops_http_and_postgresql_cleanly() throws Exception {
        start();
        assertThat(Files.exists(data.resolve("postgres/postmaster.pid"))).isTrue();
        // Requests answered just before the stop: their access lines, queued for the log's writer
        // thread (config.BatchedStdout), are all in the log once the process has exited.
        var client = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 50; i++) {
            var answer = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .header("X-Request-Id", "before-sigterm-" + i).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        server.destroy();  // SIGTERM
        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("server stops within a minute").isTrue();
        String log = Files.readString(data.resolve("server.log"));
        assertThat(log).contains("stopped");
        for (int i = 0; i < 50; i++) assertThat(log).contains("GET /healthz 200").contains("id=before-sigterm-" + i + "\n");
        // PostgreSQL removes its pid file only after a clean shutdown.
        assertThat(Files.exists(data.resolve("postgres/postmaster.pid"))).isFalse();
    }

    /**
     * The process bin/lanyard runs, as the operator sees it: its log lines are the format set up in
     * code (LogSetup: ISO time in UTC, level, logger, message), and it marks the class-data archive
     * its JVM will write as one of a whole start only once it listens (bin/lib/java.sh,
     * lanyard_server_opts); a `serve --help`, which never listens, leaves no mark.
     */
    @Test
    void a_server_that_listens_marks_its_class_archive_whole_and_logs_in_the_operators_format() throws Exception {
        Path marker = data.resolve("serve.ready");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process help = new ProcessBuilder(List.of(java, "-Dlanyard.cds.ready=" + marker, "-cp", System.getProperty("java.class.path"),
                "dev.lanyard.Main", "serve", "--help")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(marker).doesNotExist();

        start("-Dlanyard.cds.ready=" + marker);
        assertThat(marker).exists();
        assertThat(Files.readAllLines(data.resolve("server.log")))
                .anyMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  Lanyard - Lanyard listening on http://.*"))
                .noneMatch(line -> line.contains("HikariPool") || line.contains("Flyway"));  // libraries' INFO stays out
    }

    private void start(String... jvmOptions) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lanyard.Main",
                "serve", "--data", data.toString(), "--port", String.valueOf(port)));
        server = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()))
                .start();
        Http http = new Http("http://127.0.0.1:" + port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(server.isAlive()).as("server process is running; log: %s", data.resolve("server.log")).isTrue();
            try {
                if (http.send("GET", "/readyz", (String) null, (String) null).status() == 200) return;
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server did not become ready; see " + data.resolve("server.log"));
    }
}
