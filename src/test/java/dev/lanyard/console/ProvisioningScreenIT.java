package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The product guide's flow in the console (docs/product-rules.md rules 1-3): Manage, Enable, Save; Generate token (shown once); Revoke. */
class ProvisioningScreenIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_admin_enables_provisioning_generates_a_token_that_works_and_revokes_it() {
        TestApp.Org org = app.newOrg("screen-" + java.util.UUID.randomUUID(), false);
        ConsoleBrowser browser = signedIn(org, "ops@example.com");
        assertThat(browser.get("/console").expect(200).body()).contains("href=\"/console/provisioning\"");

        Http.Response page = browser.get("/console/provisioning").expect(200);
        assertThat(page.body()).contains("id=\"provisioning-status\">disabled<").contains("/scim/v2/" + org.id());
        // Without JavaScript no dead Copy button shows (console.js unhides it); the field stays selectable.
        assertThat(page.body()).contains("<button type=\"button\" data-copy=\"scim-url\" hidden>")
                .containsPattern("<input id=\"scim-url\" type=\"text\" readonly value=");

        Http.Response manage = browser.get("/console/provisioning/manage").expect(200);
        assertThat(manage.body()).contains("<label for=\"enabled\">Enable</label>").contains(">Save<");
        Http.Response saved = browser.post("/console/provisioning/manage", Map.of("csrf", ConsoleBrowser.csrf(manage), "enabled", "on"))
                .expect(303);
        assertThat(browser.get(saved.header("Location")).expect(200).body()).contains("id=\"provisioning-status\">enabled<")
                .contains("Settings saved.");

        Http.Response posted = browser.post("/console/provisioning/tokens",
                Map.of("csrf", ConsoleBrowser.csrf(browser.get("/console/provisioning")), "label", "Okta")).expect(303);
        Http.Response issued = browser.get(posted.header("Location")).expect(200);
        String secret = value(issued.body(), "token");
        assertThat(issued.body()).contains("shown only this once");
        assertThat(app.http().send("GET", org.scimPath() + "/Users", secret, (String) null).status()).isEqualTo(200);

        Http.Response list = browser.get("/console/provisioning").expect(200);
        assertThat(list.body()).contains("Okta").doesNotContain(secret)
                .contains("<td class=\"value\">ops@example.com</td>").contains("<td class=\"value\">operator</td>");  // who issued each: this admin, and newOrg's operator token
        Matcher revoke = Pattern.compile("href=\"(/console/provisioning/tokens/[^\"]+/revoke)\"").matcher(list.body());
        // the org's test token from newOrg is listed too; revoke the one labelled Okta
        String okta = null;
        while (revoke.find()) {
            if (list.body().substring(Math.max(0, revoke.start() - 300), revoke.start()).contains("Okta")) okta = revoke.group(1);
        }
        assertThat(okta).isNotNull();
        Http.Response confirm = browser.get(okta).expect(200);
        assertThat(browser.post(okta, Map.of()).status()).isEqualTo(403);  // no CSRF token
        assertThat(app.http().send("GET", org.scimPath() + "/Users", secret, (String) null).status()).isEqualTo(200);
        browser.post(okta, Map.of("csrf", ConsoleBrowser.csrf(confirm))).expect(303);
        assertThat(app.http().send("GET", org.scimPath() + "/Users", secret, (String) null).status()).isEqualTo(401);

        // unticking Enable and saving asks first, saying it stops every sync; nothing changes until confirmed
        Http.Response ask = browser.post("/console/provisioning/manage",
                Map.of("csrf", ConsoleBrowser.csrf(browser.get("/console/provisioning/manage")))).expect(200);
        assertThat(ask.body()).contains("Turn off user provisioning?", "stops every sync", "class=\"danger\"",
                "name=\"confirm\" value=\"yes\"");
        assertThat(app.http().send("GET", org.scimPath() + "/Users", org.token(), (String) null).status()).isEqualTo(200);
        browser.post("/console/provisioning/manage", Map.of("csrf", ConsoleBrowser.csrf(ask), "confirm", "yes")).expect(303);
        assertThat(app.http().send("GET", org.scimPath() + "/Users", org.token(), (String) null).status()).isEqualTo(403);
    }

    @Test
    void a_new_token_is_shown_once_after_a_redirect_and_a_reload_or_back_neither_shows_it_again_nor_issues_another() {
        TestApp.Org org = app.newOrg("prg-" + java.util.UUID.randomUUID());
        ConsoleBrowser browser = signedIn(org, "prg@example.com");
        long before = activeTokens(org);
        Http.Response posted = browser.post("/console/provisioning/tokens",
                Map.of("csrf", ConsoleBrowser.csrf(browser.get("/console/provisioning")), "label", "Okta")).expect(303);
        String view = posted.header("Location");
        assertThat(view).matches("/console/provisioning/tokens/[0-9a-f-]{36}");
        String cookie = ConsoleBrowser.setCookie(posted, "lanyard_new_token");
        assertThat(cookie).contains("Path=" + view, "HttpOnly", "SameSite=Strict", "Max-Age=300");

        Http.Response shown = browser.get(view).expect(200);
        String secret = value(shown.body(), "token");
        String prefix = secret.substring(0, "lanyard_scim_".length() + 8);
        assertThat(shown.body()).contains("shown only this once", "<code>" + prefix + "\u2026</code>");
        assertThat(shown.header("Cache-Control")).isEqualTo("no-store");

        // reload (or Back to this page): no secret, no new token
        Http.Response again = browser.get(view).expect(200);
        assertThat(again.body()).contains("id=\"token-already-shown\"", "If you lost it, generate another").doesNotContain(secret);
        assertThat(activeTokens(org)).isEqualTo(before + 1);

        // another token's secret in the cookie does not open this page
        browser.cookies.put("lanyard_new_token", org.token());
        assertThat(browser.get(view).expect(200).body()).contains("token-already-shown").doesNotContain(org.token());

        // two tokens with the same label: the list, and the revoke confirmation, tell them apart by prefix
        Http.Response second = browser.post("/console/provisioning/tokens",
                Map.of("csrf", ConsoleBrowser.csrf(browser.get("/console/provisioning")), "label", "Okta")).expect(303);
        String secondSecret = value(browser.get(second.header("Location")).expect(200).body(), "token");
        String secondPrefix = secondSecret.substring(0, prefix.length());
        String list = browser.get("/console/provisioning").expect(200).body();
        assertThat(list).contains("Starts with", prefix + "\u2026", secondPrefix + "\u2026").doesNotContain(secret, secondSecret);
        String confirm = browser.get(view + "/revoke").expect(200).body();
        assertThat(confirm).contains("id=\"revoke-which\"", prefix + "\u2026", "class=\"danger\"").doesNotContain(secondPrefix);
        // admin API lists the prefix, never the secret
        String api = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/tokens", app.operatorToken(), (String) null)
                .expect(200).body();
        assertThat(api).contains("\"prefix\":\"" + prefix + "\"").doesNotContain(secret);
        // another organization's admin cannot open the view
        ConsoleBrowser stranger = signedIn(app.newOrg("prg-other-" + java.util.UUID.randomUUID()), "x@example.com");
        assertThat(stranger.get(view).status()).isEqualTo(404);
    }

    private static long activeTokens(TestApp.Org org) {
        return app.count("select count(*) from provisioning_tokens where org_id = ?::uuid and revoked_at is null",
                java.util.UUID.fromString(org.id()));
    }

    @Test
    void saving_without_the_csrf_token_changes_nothing_and_other_orgs_tokens_are_not_reachable() {
        TestApp.Org mine = app.newOrg("mine-" + java.util.UUID.randomUUID(), false);
        TestApp.Org theirs = app.newOrg("theirs-" + java.util.UUID.randomUUID());
        ConsoleBrowser browser = signedIn(mine, "me@example.com");
        assertThat(browser.post("/console/provisioning/manage", Map.of("enabled", "on")).status()).isEqualTo(403);
        assertThat(browser.get("/console/provisioning").body()).contains("id=\"provisioning-status\">disabled<");
        assertThat(browser.get("/console/provisioning/tokens/" + theirs.tokenId() + "/revoke").status()).isEqualTo(404);
        assertThat(app.http().send("GET", theirs.scimPath() + "/Users", theirs.token(), (String) null).status()).isEqualTo(200);
        assertThat(new ConsoleBrowser(app.http()).get("/console/provisioning").status()).isEqualTo(303);
    }

    @Test
    void the_setup_guides_show_this_organizations_values_and_their_token_button_issues_a_working_token() {
        TestApp.Org org = app.newOrg("guide-" + java.util.UUID.randomUUID(), false);
        ConsoleBrowser browser = signedIn(org, "it@example.com");
        assertThat(browser.get("/console/setup").expect(200).body())
                .contains("href=\"/console/setup/okta\"").contains("href=\"/console/setup/entra\"");

        Http.Response okta = browser.get("/console/setup/okta").expect(200);
        assertThat(value(okta.body(), "scim-url")).endsWith("/scim/v2/" + org.id());
        assertThat(okta.body()).contains("class=\"setup-status\">disabled<").contains("href=\"/console/provisioning/manage\"")
                .contains("Application username format</strong> to <strong>Email")
                .contains("<code>userName</code>").contains("1 token(s) already active");
        Http.Response entra = browser.get("/console/setup/entra").expect(200);
        assertThat(entra.body()).contains("Tenant URL</dt><dd><code>" + value(okta.body(), "scim-url") + "</code>")
                .contains("Generate token for Entra ID");

        app.execute("update organizations set provisioning_enabled = true where id = '" + org.id() + "'");
        assertThat(browser.get("/console/setup/okta").body()).contains("class=\"setup-status\">enabled<");

        // the guide's button is the provisioning page's form, labelled after the IdP
        Http.Response posted = browser.post("/console/provisioning/tokens",
                Map.of("csrf", ConsoleBrowser.csrf(okta), "label", "Okta", "guide", "okta")).expect(303);
        assertThat(posted.header("Location")).endsWith("?guide=okta");
        Http.Response issued = browser.get(posted.header("Location")).expect(200);
        assertThat(app.http().send("GET", org.scimPath() + "/Users", value(issued.body(), "token"), (String) null).status())
                .isEqualTo(200);
        // the token page leads back to the guide; the guide has Copy buttons too
        assertThat(issued.body()).contains("<a href=\"/console/setup/okta\">Back to the Okta guide</a>");
        assertThat(okta.body()).contains("data-copy=\"scim-url\"");
        // an unknown guide is ignored, not echoed into a link
        Http.Response odd = browser.post("/console/provisioning/tokens",
                Map.of("csrf", ConsoleBrowser.csrf(okta), "label", "x", "guide", "//evil.example")).expect(303);
        assertThat(odd.header("Location")).doesNotContain("evil");
        assertThat(new ConsoleBrowser(app.http()).get("/console/setup/okta").status()).isEqualTo(303);
    }

    private static String value(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*value=\"([^\"]+)\"").matcher(html);
        if (!m.find()) throw new AssertionError("no #" + id + " in " + html);
        return m.group(1);
    }

    private static ConsoleBrowser signedIn(TestApp.Org org, String email) {
        return ConsoleBrowser.signedIn(app, org, email);
    }
}
