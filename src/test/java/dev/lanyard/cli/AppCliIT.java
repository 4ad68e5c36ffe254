package dev.lanyard.cli;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "Integrate your app" commands against the real server. */
class AppCliIT {
    static final TestApp app = TestApp.start();
    static final Map<String, String> ENV = Map.of("LANYARD_SERVER", app.baseUrl(), "LANYARD_OPERATOR_TOKEN", app.operatorToken());

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_operator_registers_an_app_rotates_its_secret_and_an_organization_turns_it_off() {
        ok("org", "create", "Initech");
        String created = ok("app", "create", "Initech CRM", "--redirect-uri", "https://crm.example/callback", "--org", "Initech");
        String clientId = created.replaceAll("(?s).*Client ID: +(\\S+).*", "$1");
        assertThat(created).contains("Client secret: lanyard_oidc_");
        assertThat(ok("app", "list")).contains(clientId).contains("Initech CRM").contains("confidential").contains("https://crm.example/callback");
        assertThat(ok("app", "add-secret", clientId)).contains("lanyard_oidc_");
        assertThat(app.count("select count(*) from oidc_client_secrets s join oidc_clients c on c.id = s.client where c.client_id = ?", clientId))
                .isEqualTo(2);

        ok("app", "set-for-org", "Initech", clientId, "off");
        assertThat(app.count("select count(*) from oidc_client_turned_off t join oidc_clients c on c.id = t.client where c.client_id = ?", clientId))
                .isEqualTo(1);
        assertThat(ok("app", "domains", "Initech", "initech.example")).contains("initech.example");
        assertThat(ok("app", "domains", "Initech")).contains("initech.example");
        assertThat(ok("app", "rotate-key", "--publish-ahead-seconds", "60")).contains("New key");

        CliRunner.Result bad = CliRunner.run(ENV, "app", "create", "Bad", "--redirect-uri", "http://crm.example/callback");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("https");

        ok("app", "delete", clientId);
        assertThat(ok("app", "list")).doesNotContain(clientId);
    }

    private static String ok(String... args) {
        CliRunner.Result r = CliRunner.run(ENV, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " -> " + r.err()).isZero();
        return r.out();
    }
}
