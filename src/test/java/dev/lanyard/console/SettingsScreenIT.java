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

/** Settings > Username change policy: the two choices explained, radio buttons and Save, CSRF, one organization only. */
class SettingsScreenIT {
    static final TestApp app = TestApp.start();
    static final String FORM = "/console/settings/username-policy";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_admin_reads_both_choices_switches_to_rename_in_place_and_the_next_rename_keeps_the_account() {
        TestApp.Org org = app.newOrg("settings-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");

        Http.Response page = browser.get("/console/settings").expect(200);
        assertThat(page.body())
                .contains("<legend>When the username changes</legend>")
                .contains("<label for=\"policy-new_account\">Create a new account (default)</label>")
                .contains("<label for=\"policy-rename_in_place\">Rename the account in place</label>")
                .contains("is invalidated and kept for the record")
                .contains("takes the new username as its email")
                .contains("id=\"username-policy-current\">Create a new account (default)<")
                .contains("href=\"/console/password\"");
        assertThat(checked(page.body())).isEqualTo("new_account");

        Http.Response saved = browser.post(FORM, Map.of("csrf", ConsoleBrowser.csrf(page), "policy", "rename_in_place")).expect(303);
        assertThat(saved.header("Location")).isEqualTo("/console/settings?done=saved");
        Http.Response after = browser.get(saved.header("Location")).expect(200);
        assertThat(after.body()).contains("Settings saved.").contains("id=\"username-policy-current\">Rename the account in place<");
        assertThat(checked(after.body())).isEqualTo("rename_in_place");
        assertThat(policy(org)).isEqualTo("rename_in_place");

        // The account's page tells the rename in place: one account, its history from -> to.
        String id = scim(org, "POST", "/Users", "{\"userName\":\"ann@example.com\"}").expect(201).json().get("id").asText();
        scim(org, "PUT", "/Users/" + id, "{\"userName\":\"ann.new@example.com\"}").expect(200);
        Http.Response list = browser.get("/console/accounts").expect(200);
        Matcher link = Pattern.compile("href=\"(/console/accounts/[0-9a-f-]{36})\"").matcher(list.body());
        assertThat(link.find()).isTrue();
        String account = link.group(1);
        assertThat(link.find()).as("one account only").isFalse();
        assertThat(browser.get(account).expect(200).body())
                .contains("renamed from ann@example.com to ann.new@example.com");

        // and back to the default
        browser.post(FORM, Map.of("csrf", ConsoleBrowser.csrf(after), "policy", "new_account")).expect(303);
        assertThat(policy(org)).isEqualTo("new_account");
    }

    @Test
    void a_missing_or_forged_csrf_token_is_403_and_changes_nothing() {
        TestApp.Org org = app.newOrg("settings-csrf-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        String csrf = settingsCsrf(browser);

        assertThat(browser.post(FORM, Map.of("policy", "rename_in_place")).status()).isEqualTo(403);
        assertThat(browser.post(FORM, Map.of("csrf", ConsoleBrowser.tampered(csrf), "policy", "rename_in_place")).status())
                .isEqualTo(403);
        // another admin's valid token is still not this session's
        ConsoleBrowser other = ConsoleBrowser.signedIn(app, org, "other@example.com");
        String theirs = settingsCsrf(other);
        assertThat(browser.post(FORM, Map.of("csrf", theirs, "policy", "rename_in_place")).status()).isEqualTo(403);

        assertThat(policy(org)).isEqualTo("new_account");
    }

    @Test
    void a_value_that_is_not_one_of_the_choices_is_400_and_changes_nothing() {
        TestApp.Org org = app.newOrg("settings-bad-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        String csrf = settingsCsrf(browser);

        Http.Response bad = browser.post(FORM, Map.of("csrf", csrf, "policy", "merge"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("new_account, rename_in_place");
        assertThat(browser.post(FORM, Map.of("csrf", csrf)).status()).isEqualTo(400);
        assertThat(policy(org)).isEqualTo("new_account");
    }

    @Test
    void an_admin_of_one_organization_changes_only_their_own() {
        TestApp.Org mine = app.newOrg("settings-mine-" + UUID.randomUUID());
        TestApp.Org theirs = app.newOrg("settings-theirs-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, mine, "me@example.com");
        String csrf = settingsCsrf(browser);

        // Nothing in the form names an organization: extra fields naming another one are ignored.
        browser.post(FORM + "?org=" + theirs.id(), Map.of("csrf", csrf, "policy", "rename_in_place",
                "org", theirs.id(), "orgId", theirs.id())).expect(303);

        assertThat(policy(mine)).isEqualTo("rename_in_place");
        assertThat(policy(theirs)).isEqualTo("new_account");
        assertThat(browser.get("/console/settings").body()).contains(mine.name()).doesNotContain(theirs.name());
    }

    @Test
    void without_a_session_the_page_and_the_form_lead_to_sign_in() {
        TestApp.Org org = app.newOrg("settings-anon-" + UUID.randomUUID());
        ConsoleBrowser anonymous = new ConsoleBrowser(app.http());
        assertThat(anonymous.get("/console/settings").expect(303).header("Location")).isEqualTo("/console/login?next=%2Fconsole%2Fsettings");  // the page, not the form, is returned to after sign-in
        assertThat(anonymous.post(FORM, Map.of("policy", "rename_in_place")).expect(303).header("Location"))
                .isEqualTo("/console/login");
        assertThat(policy(org)).isEqualTo("new_account");
    }

    @Test
    void the_operator_changes_the_policy_of_the_organization_opened_and_sees_no_password_section() {
        TestApp.Org org = app.newOrg("settings-op-" + UUID.randomUUID());
        ConsoleBrowser operator = new ConsoleBrowser(app.http());
        String csrf = ConsoleBrowser.csrf(operator.get("/console/login/operator").expect(200));
        operator.post("/console/login/operator", Map.of("csrf", csrf, "credential", app.operatorToken())).expect(303);
        assertThat(operator.get("/console/settings").expect(303).header("Location")).isEqualTo("/console/organizations");
        Http.Response list = operator.get("/console/organizations").expect(200);
        operator.post("/console/organizations/" + org.id() + "/open", Map.of("csrf", ConsoleBrowser.csrf(list))).expect(303);

        Http.Response page = operator.get("/console/settings").expect(200);
        assertThat(page.body()).contains("Username change policy").doesNotContain("href=\"/console/password\"");
        operator.post(FORM, Map.of("csrf", ConsoleBrowser.csrf(page), "policy", "rename_in_place")).expect(303);
        assertThat(policy(org)).isEqualTo("rename_in_place");
    }

    /** Opens the settings page, as a person would before saving, and takes its form's CSRF token. */
    private static String settingsCsrf(ConsoleBrowser browser) {
        return ConsoleBrowser.csrf(browser.get("/console/settings").expect(200));
    }

    /** The value of the checked radio button. */
    private static String checked(String html) {
        Matcher m = Pattern.compile("<input type=\"radio\"[^>]*value=\"([a-z_]+)\"[^>]*\\bchecked\\b").matcher(html);
        if (!m.find()) throw new AssertionError("no checked radio in " + html);
        String value = m.group(1);
        if (m.find()) throw new AssertionError("two checked radios in " + html);
        return value;
    }

    private static String policy(TestApp.Org org) {
        return app.http().send("GET", "/admin/api/orgs/" + org.id(), app.operatorToken(), (String) null)
                .expect(200).json().get("usernameChangePolicy").asText();
    }

    private static Http.Response scim(TestApp.Org org, String method, String path, String body) {
        return app.http().send(method, org.scimPath() + path, org.token(), body);
    }
}
