package dev.lanyard.webhook;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Without LANYARD_WEBHOOKS_ALLOW_PRIVATE (the default), an endpoint on an address Lanyard may not reach is refused when it is set. */
class WebhookSsrfIT {
    static final TestApp app = TestApp.start();
    static final TestApp.Org org = app.newOrg("ssrf-" + UUID.randomUUID());
    static final String clientId = app.http().send("POST", "/admin/api/apps", app.operatorToken(),
            "{\"name\":\"Hooks\",\"redirectUris\":[\"https://app.example/cb\"]}").expect(201).json().get("clientId").asText();

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
            "https://127.0.0.1/hook, loopback",
            "https://localhost:8443/hook, loopback",
            "https://[::1]/hook, loopback",
            "https://10.1.2.3/hook, private",
            "https://192.168.0.10/hook, private",
            "https://172.20.0.5/hook, private",
            "https://169.254.169.254/latest/meta-data, metadata",
            "https://[fd00:ec2::254]/latest, metadata",
            "https://[fd12::1]/hook, unique local",
            "https://100.64.0.1/hook, carrier-grade NAT",
            "https://[fe80::1]/hook, link-local",
            "https://[::ffff:10.0.0.1]/hook, private",
            "http://hooks.example.com/hook, https",
            "https://user:pw@hooks.example.com/hook, user name",
            "ftp://hooks.example.com/hook, https",
            "https://no-such-host.invalid/hook, unknown",
    })
    void refused(String url, String reason) {
        var answer = app.http().send("POST", "/admin/api/orgs/" + org.id() + "/webhooks", app.operatorToken(),
                "{\"app\":\"" + clientId + "\",\"url\":\"" + url + "\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains(reason);
        assertThat(app.count("select count(*) from webhook_endpoints")).isZero();
    }
}
