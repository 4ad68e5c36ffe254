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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks in the console: an admin adds an endpoint (the secret shown once), reads the delivery
 * log of a dead-lettered event and redelivers it (CSRF-checked form).
 */
class WebhooksScreenIT {
    /** Dead-letter after 2 s of retries; no pause (WebhookPauseScreenIT has that). */
    static final TestApp app = TestApp.start(new WebhookOptions(true, Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofSeconds(2),
            Duration.ofDays(1), 1000, Duration.ofSeconds(15), Duration.ofMillis(100), 64, 4, 8));
    static final WebhookReceiver receiver = new WebhookReceiver();
    static final Pattern SECRET = Pattern.compile("id=\"secret\" type=\"text\" readonly value=\"(whsec_[^\"]+)\"");

    @AfterAll
    static void stop() {
        receiver.close();
        app.close();
    }

    @Test
    void an_admin_adds_an_endpoint_sees_a_dead_lettered_delivery_and_redelivers_it() {
        TestApp.Org org = app.newOrg("hooks-" + UUID.randomUUID());
        String clientId = registerApp("Wiki");
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "root@example.com");
        String path = "/console-hooks/" + org.id();
        receiver.answer = r -> new WebhookReceiver.Answer(r.path().equals(path) && !receiver.secrets.containsKey("ok:" + path) ? 500 : 204, 0);

        Http.Response list = admin.get("/console/webhooks").expect(200);
        assertThat(list.body()).contains("No webhook endpoint yet").contains("Wiki");
        // An address Lanyard may not send to is refused with the reason, nothing is stored.
        Http.Response refused = admin.post("/console/webhooks", Map.of("csrf", ConsoleBrowser.csrf(list), "app", clientId,
                "url", "https://169.254.169.254/latest/meta-data")).expect(400);
        assertThat(refused.body()).contains("metadata");
        assertThat(app.count("select count(*) from webhook_endpoints")).isZero();

        Http.Response created = admin.post("/console/webhooks", Map.of("csrf", ConsoleBrowser.csrf(list), "app", clientId,
                "url", receiver.url(path))).expect(201);
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("the secret is on the page").isTrue();
        receiver.secrets.put(path, secret.group(1));
        String endpointPath = created.body().replaceAll("(?s).*href=\"(/console/webhooks/[0-9a-f-]{36})\">Done.*", "$1");
        assertThat(admin.get("/console/webhooks").expect(200).body()).doesNotContain(secret.group(1)).contains(receiver.url(path));
        assertThat(admin.get(endpointPath).expect(200).body()).doesNotContain(secret.group(1))
                .contains(secret.group(1).substring(secret.group(1).length() - 4));

        app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", "{\"userName\":\"ann@hooks.example\"}").expect(201);
        await(() -> app.count("select count(*) from webhook_deliveries where state = 'dead'") == 1, Duration.ofSeconds(15), "dead-lettered");

        Http.Response log = admin.get(endpointPath + "?state=dead").expect(200);
        assertThat(log.body()).contains("account.created").contains("Dead-lettered").contains("500");
        String deliveryPath = log.body().replaceAll("(?s).*href=\"(" + endpointPath + "/deliveries/[0-9a-f-]{36})\".*", "$1");
        Http.Response detail = admin.get(deliveryPath).expect(200);
        assertThat(detail.body()).contains("ann@hooks.example").contains("received");  // the body, the receiver's answer

        // Without the session's CSRF token nothing is redelivered.
        receiver.secrets.put("ok:" + path, "yes");
        admin.post(deliveryPath + "/redeliver", Map.of()).expect(403);
        assertThat(app.count("select count(*) from webhook_deliveries where state = 'dead'")).isEqualTo(1);

        Http.Response again = admin.post(deliveryPath + "/redeliver", Map.of("csrf", ConsoleBrowser.csrf(detail))).expect(303);
        assertThat(again.header("Location")).contains("done=redeliver");
        await(() -> !receiver.accepted(path).isEmpty(), Duration.ofSeconds(10), "redelivered");
        assertThat(receiver.accepted(path).getFirst().validSignature()).isTrue();
        assertThat(receiver.accepted(path).getFirst().id()).isEqualTo(receiver.received(path).getFirst().id());
        await(() -> admin.get(endpointPath).body().contains("Succeeded"), Duration.ofSeconds(5), "the log says so");
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and action in ('webhook.created', 'webhook.redelivered') "
                + "and actor like 'console:%'", org.id())).isEqualTo(2);
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
