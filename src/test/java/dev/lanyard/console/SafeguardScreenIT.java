package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mass-deprovisioning safeguard in the console, over HTTP with the session's CSRF token: the
 * banner on every page once it trips, the held changes listed 50 a page, release and reject per
 * change and for all, and its settings card with the off switch.
 */
class SafeguardScreenIT {
    static final TestApp app = TestApp.start();
    static final String HELD = "/console/provisioning/held";
    static final String DEACTIVATE = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"replace","value":{"active":false}}]}""";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_banner_shows_once_tripped_and_the_admin_releases_one_rejects_one_and_releases_the_rest() {
        TestApp.Org org = app.newOrg("held-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        assertThat(browser.get("/console").expect(200).body()).doesNotContain("safeguard-banner");
        List<String> ids = tripWithHeld(org, 4);

        for (String page : List.of("/console", "/console/accounts", "/console/settings", "/console/provisioning/log")) {
            assertThat(browser.get(page).expect(200).body()).as(page).contains("id=\"safeguard-banner\"")
                    .contains("href=\"/console/provisioning/held\"");
        }
        Http.Response list = browser.get(HELD).expect(200);
        assertThat(list.body()).contains("The safeguard has tripped").contains("more than the limit of 1")
                .contains("user1@example.com").contains("user4@example.com").contains("Release all and resume");
        List<String> held = heldIds(list.body());
        assertThat(held).hasSize(4);
        String csrf = ConsoleBrowser.csrf(list);

        Http.Response released = browser.post(HELD + "/" + held.get(0) + "/release", Map.of("csrf", csrf)).expect(303);
        assertThat(browser.get(released.header("Location")).body()).contains("1 change released and applied.");
        assertThat(active(org, ids.get(1))).isFalse();
        browser.post(HELD + "/" + held.get(1) + "/reject", Map.of("csrf", csrf)).expect(303);
        assertThat(active(org, ids.get(2))).isTrue();
        // Reloading an action's result repeats nothing; a change already taken says so.
        Http.Response again = browser.post(HELD + "/" + held.get(1) + "/reject", Map.of("csrf", csrf)).expect(303);
        assertThat(browser.get(again.header("Location")).body()).contains("already released or rejected");

        Http.Response all = browser.post(HELD + "/release-all", Map.of("csrf", csrf)).expect(303);
        Http.Response after = browser.get(all.header("Location")).expect(200);
        assertThat(after.body()).contains("2 changes released and applied.").contains("The safeguard resumed")
                .contains("No changes are held.").doesNotContain("id=\"safeguard-banner\"");
        assertThat(active(org, ids.get(3))).isFalse();
        assertThat(active(org, ids.get(4))).isFalse();
        assertThat(active(org, ids.get(2))).isTrue();
    }

    @Test
    void reject_all_keeps_every_account_and_resumes() {
        TestApp.Org org = app.newOrg("reject-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        List<String> ids = tripWithHeld(org, 3);
        Http.Response done = browser.post(HELD + "/reject-all", Map.of("csrf", ConsoleBrowser.csrf(browser.get(HELD)))).expect(303);
        assertThat(browser.get(done.header("Location")).body()).contains("3 changes rejected").contains("The safeguard resumed");
        for (String id : ids.subList(1, 4)) assertThat(active(org, id)).isTrue();
        assertThat(app.count("select count(*) from held_changes where org_id = ?::uuid", org.id())).isZero();
    }

    @Test
    void held_changes_are_paged_fifty_at_a_time() {
        TestApp.Org org = app.newOrg("paged-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        tripWithHeld(org, 0);
        // 60 held changes written directly: the SCIM way is covered above, this is about the page.
        for (int i = 0; i < 60; i++) {
            app.execute("insert into managed_accounts (id, org_id, email, status, scim_id, attributes) "
                    + "values (gen_random_uuid(), ?::uuid, ?, 'active', gen_random_uuid(), '{}')", org.id(), "p" + i + "@example.com");
        }
        app.execute("insert into held_changes (id, org_id, scim_id, account_id, email, kind, version, actor, held_at) "
                + "select gen_random_uuid(), org_id, scim_id, id, email, 'delete', version, 'operator', "
                + "now() - make_interval(secs => seq) from managed_accounts where org_id = ?::uuid and email like 'p%'", org.id());
        Http.Response page1 = browser.get(HELD).expect(200);
        assertThat(heldIds(page1.body())).hasSize(50);
        Matcher next = Pattern.compile("href=\"(/console/provisioning/held\\?after=[0-9a-f-]{36})\" rel=\"next\"").matcher(page1.body());
        assertThat(next.find()).isTrue();
        Http.Response page2 = browser.get(next.group(1)).expect(200);
        assertThat(heldIds(page2.body())).hasSize(10).doesNotContainAnyElementsOf(heldIds(page1.body()));
    }

    @Test
    void the_settings_card_saves_thresholds_and_the_off_switch_for_this_organization_only() {
        TestApp.Org org = app.newOrg("cfg-" + UUID.randomUUID());
        TestApp.Org other = app.newOrg("cfg-other-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        Http.Response page = browser.get("/console/settings").expect(200);
        assertThat(page.body()).contains("Mass-deprovisioning safeguard").contains("name=\"max_percent\"")
                .contains("value=\"20\"").contains("value=\"500\"").contains("value=\"60\"");
        String csrf = ConsoleBrowser.csrf(page);
        assertThat(browser.post("/console/settings/safeguard", Map.of("max_percent", "30", "max_count", "40",
                "window_minutes", "90")).status()).isEqualTo(403);
        browser.post("/console/settings/safeguard", Map.of("csrf", csrf, "max_percent", "30", "max_count", "40",
                "window_minutes", "90", "org", other.id())).expect(303);  // the off switch: no "enabled" field
        var state = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), (String) null).json();
        assertThat(state.get("enabled").asBoolean()).isFalse();
        assertThat(state.get("maxPercent").asInt()).isEqualTo(30);
        assertThat(state.get("maxCount").asInt()).isEqualTo(40);
        assertThat(state.get("windowMinutes").asInt()).isEqualTo(90);
        assertThat(browser.get("/console/settings").body()).contains("id=\"safeguard-current\">off<");
        var untouched = app.http().send("GET", "/admin/api/orgs/" + other.id() + "/safeguard", app.operatorToken(), (String) null).json();
        assertThat(untouched.get("enabled").asBoolean()).isTrue();
        assertThat(untouched.get("maxPercent").asInt()).isEqualTo(20);

        assertThat(browser.post("/console/settings/safeguard", Map.of("csrf", csrf, "enabled", "on", "max_percent", "0",
                "max_count", "40", "window_minutes", "90")).status()).isEqualTo(400);
        browser.post("/console/settings/safeguard", Map.of("csrf", csrf, "enabled", "on", "max_percent", "25", "max_count", "40",
                "window_minutes", "60")).expect(303);
        assertThat(browser.get("/console/settings").body()).contains("id=\"safeguard-current\">on<");
    }

    /** Sets maxCount 1, creates n + 1 users, deactivates the first (counted) and the others (held). Returns the SCIM ids. */
    static List<String> tripWithHeld(TestApp.Org org, int n) {
        app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), "{\"maxCount\":1}").expect(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            ids.add(app.http().send("POST", org.scimPath() + "/Users", org.token(), "{\"userName\":\"user" + i + "@example.com\"}")
                    .expect(201).json().get("id").asText());
        }
        app.http().send("PATCH", org.scimPath() + "/Users/" + ids.get(0), org.token(), DEACTIVATE).expect(200);
        for (String id : ids.subList(1, n + 1)) {
            app.http().send("PATCH", org.scimPath() + "/Users/" + id, org.token(), DEACTIVATE).expect(503);
        }
        return ids;
    }

    static boolean active(TestApp.Org org, String scimId) {
        return app.http().send("GET", org.scimPath() + "/Users/" + scimId, org.token(), (String) null).expect(200).json()
                .get("active").asBoolean();
    }

    /** The held changes' ids on a page, in order. */
    static List<String> heldIds(String html) {
        Matcher m = Pattern.compile("<tr id=\"held-([0-9a-f-]{36})\"").matcher(html);
        List<String> ids = new ArrayList<>();
        while (m.find()) ids.add(m.group(1));
        return ids;
    }
}
