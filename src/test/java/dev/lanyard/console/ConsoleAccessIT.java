package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who gets into the console besides an admin with a fresh password: an admin changing their own
 * password, the operator resetting a forgotten one, and the operator looking after every
 * organization with the credential from the data folder.
 */
class ConsoleAccessIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_admin_changes_their_password_with_errors_next_to_the_fields_and_other_sessions_end() {
        TestApp.Org org = app.newOrg("pw-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "pat@example.com");
        ConsoleBrowser elsewhere = new ConsoleBrowser(app.http());
        elsewhere.signIn(org.name(), "pat@example.com", ConsoleBrowser.OWN_PASSWORD).expect(303);
        elsewhere.get("/console").expect(200);

        Http.Response tooShort = browser.changePassword(ConsoleBrowser.OWN_PASSWORD, "short");
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.body()).contains("id=\"new_password-error\"", "Use at least 12 characters.")
                .containsPattern("<input id=\"new_password\"[^>]*aria-invalid=\"true\"[^>]*autofocus>");
        String csrf = ConsoleBrowser.csrf(browser.get("/console/password"));
        Http.Response mismatch = browser.post("/console/password", Map.of("csrf", csrf,
                "current_password", ConsoleBrowser.OWN_PASSWORD, "new_password", "a long new passphrase", "confirm_password", "something else"));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.body()).contains("id=\"confirm_password-error\"");
        Http.Response wrong = browser.changePassword("not my password", "a long new passphrase");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("id=\"current_password-error\"", "This is not your current password.");
        Http.Response forged = browser.post("/console/password", Map.of("current_password", ConsoleBrowser.OWN_PASSWORD,
                "new_password", "a long new passphrase", "confirm_password", "a long new passphrase"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(passwordWorks(org, "pat@example.com", ConsoleBrowser.OWN_PASSWORD)).isTrue();  // nothing changed so far

        Http.Response changed = browser.changePassword(ConsoleBrowser.OWN_PASSWORD, "a long new passphrase");
        assertThat(changed.status()).isEqualTo(303);
        assertThat(browser.get(changed.header("Location")).expect(200).body()).contains("Your password was changed.");
        browser.get("/console").expect(200);                                                    // this browser stays in
        assertThat(elsewhere.get("/console").header("Location")).isEqualTo("/console/login");   // the other one is out
        assertThat(elsewhere.get("/console/login").expect(200).body()).contains(LoginScreen.PASSWORD_CHANGED)  // and told why
                .doesNotContain(LoginScreen.EXPIRED);
        assertThat(passwordWorks(org, "pat@example.com", ConsoleBrowser.OWN_PASSWORD)).isFalse();
        assertThat(passwordWorks(org, "pat@example.com", "a long new passphrase")).isTrue();
    }

    @Test
    void the_operator_resets_a_forgotten_password_to_a_new_one_time_password_and_ends_the_admins_sessions() {
        TestApp.Org org = app.newOrg("reset-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "lee@example.com");

        Http.Response reset = app.http().send("POST", "/admin/api/orgs/" + org.id() + "/admins/reset-password",
                app.operatorToken(), "{\"email\":\"LEE@example.com\"}").expect(200);
        String oneTime = reset.json().get("password").asText();

        assertThat(browser.get("/console").header("Location")).isEqualTo("/console/login");
        assertThat(browser.get("/console/login").expect(200).body()).contains(LoginScreen.PASSWORD_RESET);
        assertThat(passwordWorks(org, "lee@example.com", ConsoleBrowser.OWN_PASSWORD)).isFalse();
        ConsoleBrowser again = new ConsoleBrowser(app.http());
        again.signIn(org.name(), "lee@example.com", oneTime).expect(303);
        assertThat(again.get("/console").header("Location")).isEqualTo("/console/password");
        assertThat(app.http().send("POST", "/admin/api/orgs/" + org.id() + "/admins/reset-password",
                app.operatorToken(), "{\"email\":\"nobody@example.com\"}").status()).isEqualTo(404);
    }

    @Test
    void the_operator_signs_in_with_the_credential_sees_every_organization_and_acts_on_the_one_opened() {
        TestApp.Org acme = app.newOrg("op-acme-" + UUID.randomUUID(), false);
        TestApp.Org globex = app.newOrg("op-globex-" + UUID.randomUUID());

        ConsoleBrowser wrong = new ConsoleBrowser(app.http());
        String formCsrf = ConsoleBrowser.csrf(wrong.get("/console/login/operator").expect(200));
        Http.Response refused = wrong.post("/console/login/operator", Map.of("csrf", formCsrf, "credential", "lanyard_op_nope"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body()).contains("id=\"credential-error\"", LoginScreen.WRONG_OPERATOR);

        ConsoleBrowser operator = new ConsoleBrowser(app.http());
        String csrf = ConsoleBrowser.csrf(operator.get("/console/login/operator").expect(200));
        operator.post("/console/login/operator", Map.of("csrf", csrf, "credential", app.operatorToken())).expect(303);
        assertThat(operator.get("/console").expect(303).header("Location")).isEqualTo("/console/organizations");
        Http.Response list = operator.get("/console/organizations").expect(200);
        assertThat(list.body()).contains(acme.name(), globex.name(), "All organizations");

        String open = "/console/organizations/" + acme.id() + "/open";
        assertThat(operator.post(open, Map.of()).status()).isEqualTo(403);  // no CSRF token
        operator.post(open, Map.of("csrf", ConsoleBrowser.csrf(list))).expect(303);
        assertThat(operator.get("/console").expect(200).body()).contains("<h1>" + acme.name() + "</h1>");

        // acting on it: enable provisioning, issue a token (recorded as the operator's), then switch
        Http.Response manage = operator.get("/console/provisioning/manage").expect(200);
        operator.post("/console/provisioning/manage", Map.of("csrf", ConsoleBrowser.csrf(manage), "enabled", "on")).expect(303);
        assertThat(app.http().send("GET", acme.scimPath() + "/Users", acme.token(), (String) null).status()).isEqualTo(200);
        operator.post("/console/provisioning/tokens", Map.of("csrf", ConsoleBrowser.csrf(manage), "label", "by operator")).expect(303);
        assertThat(app.count("select count(*) from provisioning_tokens where org_id = '" + acme.id()
                + "' and label = 'by operator' and created_by = 'operator'")).isEqualTo(1);
        assertThat(operator.get("/console/password").status()).isEqualTo(404);  // the operator has no console password

        operator.post("/console/organizations/" + globex.id() + "/open", Map.of("csrf", ConsoleBrowser.csrf(manage))).expect(303);
        assertThat(operator.get("/console").expect(200).body()).contains("<h1>" + globex.name() + "</h1>");

        // an organization's admin has no such list
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, acme, "adm@example.com");
        assertThat(admin.get("/console/organizations").status()).isEqualTo(404);
        assertThat(admin.post("/console/organizations/" + globex.id() + "/open",
                Map.of("csrf", ConsoleBrowser.csrf(admin.get("/console")))).status()).isEqualTo(404);
    }

    private static boolean passwordWorks(TestApp.Org org, String email, String password) {
        return new ConsoleBrowser(app.http()).signIn(org.name(), email, password).status() == 303;
    }
}
