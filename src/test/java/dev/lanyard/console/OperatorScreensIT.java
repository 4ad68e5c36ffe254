package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's console screens over real HTTP: organizations, their admins and a forgotten
 * password, and the OpenID Connect apps, each one-time secret shown exactly once; the same rules
 * as the operator's API, and nothing for an organization's admin.
 */
class OperatorScreensIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    static ConsoleBrowser operator() {
        ConsoleBrowser operator = new ConsoleBrowser(app.http());
        String csrf = ConsoleBrowser.csrf(operator.get("/console/login/operator").expect(200));
        operator.post("/console/login/operator", Map.of("csrf", csrf, "credential", app.operatorToken())).expect(303);
        return operator;
    }

    @Test
    void the_operator_creates_an_organization_and_its_admin_who_signs_in_with_the_password_shown_once() {
        ConsoleBrowser operator = operator();
        String csrf = ConsoleBrowser.csrf(operator.get("/console/organizations").expect(200));
        String name = "Made in the console " + UUID.randomUUID();

        // The service's rules, said next to the field: a name is needed, and names are unique.
        assertThat(operator.post("/console/organizations", Map.of("csrf", csrf, "name", " ")).expect(400).body())
                .contains("An organization needs a name.", "aria-invalid=\"true\"");
        Http.Response created = operator.post("/console/organizations", Map.of("csrf", csrf, "name", name)).expect(303);
        String orgPage = created.header("Location").replace("?created", "");
        assertThat(operator.post("/console/organizations", Map.of("csrf", csrf, "name", name.toUpperCase())).expect(400).body())
                .contains("already exists");
        assertThat(operator.get(created.header("Location")).expect(200).body()).contains("was created", "No admin yet");

        assertThat(operator.post(orgPage + "/admins", Map.of("csrf", csrf, "email", "not an email")).expect(400).body())
                .contains("Email must be an email address");
        Http.Response added = operator.post(orgPage + "/admins", Map.of("csrf", csrf, "email", "nia@example.com")).expect(303);
        assertThat(added.header("Location")).isEqualTo(orgPage + "/one-time-password");
        assertThat(ConsoleBrowser.setCookie(added, ShownOnce.COOKIE)).contains("Path=" + orgPage + "/one-time-password",
                "HttpOnly", "SameSite=Strict", "Max-Age=300");
        Http.Response shown = operator.get(added.header("Location")).expect(200);
        String password = value(shown.body(), "one-time-password");
        assertThat(password).isNotEmpty();
        assertThat(shown.body()).contains("shown only this once", "/console/login");
        // Reloading never shows it again, nor makes another.
        assertThat(operator.get(added.header("Location")).expect(200).body()).contains("already shown").doesNotContain(password);
        assertThat(operator.post(orgPage + "/admins", Map.of("csrf", csrf, "email", "NIA@example.com")).expect(400).body())
                .contains("already an admin");

        ConsoleBrowser nia = new ConsoleBrowser(app.http());
        nia.signIn(name, "nia@example.com", password).expect(303);
        assertThat(nia.get("/console").header("Location")).isEqualTo("/console/password");
        assertThat(operator.get(orgPage).expect(200).body()).contains("nia@example.com", "one-time password, not used yet");
    }

    @Test
    void the_operator_resets_an_admins_password_in_the_console_and_the_admins_sessions_end() {
        TestApp.Org org = app.newOrg("reset-in-console-" + UUID.randomUUID());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "ola@example.com");
        ConsoleBrowser operator = operator();
        String orgPage = "/console/organizations/" + org.id();
        String csrf = ConsoleBrowser.csrf(operator.get(orgPage).expect(200));

        assertThat(operator.post(orgPage + "/admins/reset", Map.of("csrf", csrf, "email", "nobody@example.com")).expect(404).body())
                .contains("No console admin");
        Http.Response reset = operator.post(orgPage + "/admins/reset", Map.of("csrf", csrf, "email", "ola@example.com")).expect(303);
        String page = operator.get(reset.header("Location")).expect(200).body();
        String oneTime = value(page, "one-time-password");
        assertThat(page).contains("New one-time password for", "sessions have ended");

        assertThat(admin.get("/console").header("Location")).isEqualTo("/console/login");
        assertThat(admin.get("/console/login").expect(200).body()).contains(LoginScreen.PASSWORD_RESET);
        ConsoleBrowser again = new ConsoleBrowser(app.http());
        assertThat(again.signIn(org.name(), "ola@example.com", ConsoleBrowser.OWN_PASSWORD).status()).isEqualTo(401);
        again.signIn(org.name(), "ola@example.com", oneTime).expect(303);
    }

    @Test
    void the_operator_registers_an_app_sees_its_secret_once_rotates_revokes_limits_and_deletes_it() {
        TestApp.Org org = app.newOrg("apps-console-" + UUID.randomUUID());
        ConsoleBrowser operator = operator();
        String csrf = ConsoleBrowser.csrf(operator.get("/console/operator/apps").expect(200));

        // The operator API's checks: https only (http for loopback), a known organization.
        assertThat(operator.post("/console/operator/apps", Map.of("csrf", csrf, "name", "CRM", "redirect_uris",
                "http://crm.example/cb", "organizations", "")).expect(400).body()).contains("must use https", "value=\"CRM\"");
        assertThat(operator.post("/console/operator/apps", Map.of("csrf", csrf, "name", "CRM", "redirect_uris",
                "https://crm.example/cb", "organizations", "no-such-org-" + UUID.randomUUID())).expect(400).body())
                .contains("There is no organization");

        Http.Response registered = operator.post("/console/operator/apps", Map.of("csrf", csrf, "name", "CRM",
                "redirect_uris", "https://crm.example/cb\r\nhttp://127.0.0.1:8400/cb", "organizations", org.name())).expect(303);
        String secretPage = registered.header("Location");
        assertThat(secretPage).matches("/console/operator/apps/[0-9a-f-]{36}/secret");
        String appPage = secretPage.replace("/secret", "");
        String shown = operator.get(secretPage).expect(200).body();
        String secret = value(shown, "client-secret");
        String clientId = value(shown, "client-id");
        assertThat(secret).startsWith("lanyard_oidc_");
        assertThat(operator.get(secretPage).expect(200).body()).contains("already shown").doesNotContain(secret);
        assertThat(app.count("select count(*) from oidc_client_secrets s join oidc_clients c on c.id = s.client "
                + "where c.client_id = ?", clientId)).isEqualTo(1);

        // The secret works at the token endpoint's client check: the API sees the same app.
        String api = app.http().send("GET", "/admin/api/apps/" + clientId, app.operatorToken(), (String) null).expect(200).body();
        assertThat(api).contains("https://crm.example/cb", "http://127.0.0.1:8400/cb", org.id());

        String detail = operator.get(appPage).expect(200).body();
        assertThat(detail).contains(clientId, org.name(), "live");
        // Rotation: a second secret, shown once; then the first is revoked.
        String second = value(operator.get(operator.post(appPage + "/secrets", Map.of("csrf", csrf)).expect(303)
                .header("Location")).expect(200).body(), "client-secret");
        assertThat(second).isNotEqualTo(secret);
        Matcher revoke = Pattern.compile("action=\"(" + Pattern.quote(appPage) + "/secrets/[0-9a-f-]{36}/revoke)\"")
                .matcher(operator.get(appPage).expect(200).body());
        assertThat(revoke.find()).isTrue();
        operator.post(revoke.group(1), Map.of("csrf", csrf)).expect(303);
        assertThat(operator.get(appPage + "?revoked").expect(200).body()).contains("The secret was revoked", "revoked");

        // Every organization again, and a new redirect URI; then delete.
        operator.post(appPage, Map.of("csrf", csrf, "name", "CRM 2", "redirect_uris", "https://crm.example/callback",
                "organizations", "")).expect(303);
        assertThat(operator.get(appPage).expect(200).body()).contains("CRM 2", "every organization", "https://crm.example/callback");
        assertThat(operator.get(appPage + "/delete").expect(200).body()).contains("Delete <bdi>CRM 2</bdi>?");
        assertThat(operator.post(appPage + "/delete", Map.of("csrf", csrf)).expect(303).header("Location"))
                .isEqualTo("/console/operator/apps?deleted");
        app.http().send("GET", "/admin/api/apps/" + clientId, app.operatorToken(), (String) null).expect(404);
        assertThat(operator.get(appPage).status()).isEqualTo(404);
    }

    @Test
    void an_organizations_admin_has_none_of_the_operators_screens() {
        TestApp.Org org = app.newOrg("not-operator-" + UUID.randomUUID());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "ivy@example.com");
        String csrf = ConsoleBrowser.csrf(admin.get("/console").expect(200));
        for (String path : new String[] {"/console/organizations", "/console/organizations/" + org.id(), "/console/operator/apps"}) {
            assertThat(admin.get(path).status()).as(path).isEqualTo(404);
        }
        long orgs = app.count("select count(*) from organizations");
        assertThat(admin.post("/console/organizations", Map.of("csrf", csrf, "name", "sneaky")).status()).isEqualTo(404);
        assertThat(admin.post("/console/organizations/" + org.id() + "/admins", Map.of("csrf", csrf, "email", "x@example.com"))
                .status()).isEqualTo(404);
        assertThat(app.count("select count(*) from organizations")).isEqualTo(orgs);
        // The 404 page keeps the signed-in header: the admin is still signed in, and sees so.
        assertThat(admin.get("/console/no-such-page").body()).contains("ivy@example.com", "Sign out", "Managed accounts");
    }

    /** The value of a read-only input on a page. */
    static String value(String page, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\" type=\"text\" readonly value=\"([^\"]*)\"").matcher(page);
        if (!m.find()) throw new AssertionError("no field " + id + " in " + page);
        return m.group(1);
    }
}
