package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import dev.lanyard.testing.WebhookReceiver;
import dev.lanyard.webhook.WebhookOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An endpoint that keeps failing is paused (3 failures in a row spanning 1 s here; 10 over 24
 * hours in a server), named in a banner and in the audit trail, and resumed from the console:
 * what waited is then sent, in order.
 */
class WebhookPauseScreenIT {
    static final TestApp app = TestApp.start(new WebhookOptions(true, Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofDays(1),
            Duration.ofSeconds(1), 3, Duration.ofSeconds(15), Duration.ofMillis(100), 64, 4, 8));
    static final WebhookReceiver receiver = new WebhookReceiver();

    @AfterAll
    static void stop() {
        receiver.close();
        app.close();
    }

    @Test
    void an_endpoint_that_keeps_failing_is_paused_the_admin_is_told_and_resumes_it_from_the_console() {
        TestApp.Org org = app.newOrg("paused-" + UUID.randomUUID());
        String clientId = registerApp("CRM");
        String path = "/console-paused/" + org.id();
        receiver.answer = r -> new WebhookReceiver.Answer(r.path().equals(path) && !receiver.secrets.containsKey("ok:" + path) ? 503 : 204, 0);
        String secret = app.http().send("POST", "/admin/api/orgs/" + org.id() + "/webhooks", app.operatorToken(),
                "{\"app\":\"" + clientId + "\",\"url\":\"" + receiver.url(path) + "\"}").expect(201).json().get("secret").asText();
        receiver.secrets.put(path, secret);
        for (int i = 0; i < 3; i++) {
            app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", "{\"userName\":\"p" + i + "@paused.example\"}").expect(201);
        }
        await(() -> app.count("select count(*) from webhook_endpoints where org_id = ?::uuid and status = 'paused'", org.id()) == 1,
                Duration.ofSeconds(20), "paused");
        int triesWhenPaused = receiver.received(path).size();

        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "root@example.com");
        Http.Response home = admin.get("/console").expect(200);
        assertThat(home.body()).contains("webhooks-paused").contains("A webhook endpoint is paused").contains("CRM").contains("times in a row");
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and action = 'webhook.paused' and actor = 'system'",
                org.id())).isEqualTo(1);
        sleep(1000);
        assertThat(receiver.received(path)).as("nothing is sent while paused").hasSize(triesWhenPaused);

        receiver.secrets.put("ok:" + path, "yes");
        String endpointPath = "/console/webhooks/" + app.queryString("select id::text from webhook_endpoints where org_id = ?::uuid", org.id());
        Http.Response page = admin.get(endpointPath).expect(200);
        assertThat(page.body()).contains("Resume");
        admin.post(endpointPath + "/resume", Map.of()).expect(403);
        admin.post(endpointPath + "/resume", Map.of("csrf", ConsoleBrowser.csrf(page))).expect(303);
        await(() -> receiver.accepted(path).size() == 3, Duration.ofSeconds(15), "everything that waited");
        assertThat(receiver.accepted(path)).allMatch(WebhookReceiver.Received::validSignature);
        assertThat(admin.get("/console").expect(200).body()).doesNotContain("webhooks-paused");
    }

    static String registerApp(String name) {
        return app.http().send("POST", "/admin/api/apps", app.operatorToken(),
                "{\"name\":\"" + name + "\",\"redirectUris\":[\"https://app.example/cb\"]}").expect(201).json().get("clientId").asText();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for: " + what);
            sleep(50);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
