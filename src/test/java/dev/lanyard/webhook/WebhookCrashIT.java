package dev.lanyard.webhook;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestDb;
import dev.lanyard.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Lanyard server in its own process, killed with SIGKILL while it is delivering a webhook (the
 * receiver holds the request), then started again on the same database: every event still
 * arrives, and the only duplicates are deliveries that were under way (at least once).
 */
class WebhookCrashIT {
    final String databaseUrl = TestDb.createDatabase();
    Path data;
    Process server;
    int port;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
        }
        TestDb.dropDatabase(databaseUrl);
    }

    @Test
    void kill_9_in_the_middle_of_a_delivery_loses_no_event() throws Exception {
        data = Files.createTempDirectory("lanyard-webhook-crash");
        start();
        Http http = new Http("http://127.0.0.1:" + port);
        String operator = Files.readString(data.resolve("operator-token")).strip();
        String orgId = http.send("POST", "/admin/api/orgs", operator, "{\"name\":\"crash\"}").expect(201).json().get("id").asText();
        http.send("PUT", "/admin/api/orgs/" + orgId + "/provisioning", operator, "{\"enabled\":true}").expect(200);
        String token = http.send("POST", "/admin/api/orgs/" + orgId + "/tokens", operator, "{}").expect(201).json().get("token").asText();
        String app = http.send("POST", "/admin/api/apps", operator, "{\"name\":\"Crash\",\"redirectUris\":[\"https://app.example/cb\"]}")
                .expect(201).json().get("clientId").asText();

        try (WebhookReceiver receiver = new WebhookReceiver()) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            receiver.answer = r -> {
                // The third event's first attempt is held until its sender has been killed.
                if (r.body().contains("u2@crash.example") && receiver.received.stream().filter(x -> x.id().equals(r.id())).count() == 1) {
                    holding.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return WebhookReceiver.Answer.ok();
            };
            String secret = http.send("POST", "/admin/api/orgs/" + orgId + "/webhooks", operator,
                    "{\"app\":\"" + app + "\",\"url\":\"" + receiver.url("/crash") + "\"}").expect(201).json().get("secret").asText();
            receiver.secrets.put("/crash", secret);
            for (int i = 0; i < 6; i++) {
                http.send("POST", "/scim/v2/" + orgId + "/Users", token, "{\"userName\":\"u" + i + "@crash.example\"}").expect(201);
            }
            assertThat(holding.await(60, TimeUnit.SECONDS)).as("the held delivery arrived").isTrue();

            server.destroyForcibly();  // SIGKILL: no shutdown hook, the lease is left behind
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            release.countDown();

            start();
            List<String> feed = feed(orgId);
            // The killed server's lease (30 s) runs out, the new one sends the held delivery again and records it.
            await(() -> receiver.accepted.stream().map(WebhookReceiver.Received::id).toList().containsAll(feed)
                    && count("select count(*) from webhook_deliveries where state <> 'succeeded'") == 0, Duration.ofSeconds(120));
            List<String> accepted = receiver.accepted.stream().map(WebhookReceiver.Received::id).toList();
            assertThat(accepted).containsAll(feed);
            List<String> duplicates = accepted.stream().filter(id -> accepted.indexOf(id) != accepted.lastIndexOf(id)).distinct().toList();
            // Only deliveries under way at the kill (claimed, sent, not yet recorded: at most 4 per endpoint) are sent twice.
            assertThat(duplicates).as("only deliveries under way are sent twice").hasSizeLessThanOrEqualTo(WebhookOptions.defaults(true).maxPerEndpoint());
            assertThat(accepted.stream().filter(id -> java.util.Collections.frequency(accepted, id) > 2)).as("never more than twice").isEmpty();
            assertThat(receiver.accepted).allMatch(WebhookReceiver.Received::validSignature);
            assertThat(count("select count(*) from webhook_attempts where error like 'no result: the server sending it stopped%'"))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    private List<String> feed(String orgId) throws Exception {
        List<String> ids = new ArrayList<>();
        try (var c = DriverManager.getConnection(databaseUrl);
             var ps = c.prepareStatement("select id::text from directory_events where org_id = ?::uuid and type like 'account.%' order by xid, seq")) {
            ps.setString(1, orgId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private long count(String sql) {
        try (var c = DriverManager.getConnection(databaseUrl); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("not every event arrived within " + timeout);
            Thread.sleep(200);
        }
    }

    private void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.lanyard.Main",
                "serve", "--data", data.toString(), "--port", String.valueOf(port)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()));
        pb.environment().put("LANYARD_DATABASE_URL", databaseUrl);
        pb.environment().put("LANYARD_WEBHOOKS_ALLOW_PRIVATE", "true");
        server = pb.start();
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
