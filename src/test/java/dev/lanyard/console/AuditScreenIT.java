package dev.lanyard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.orgadmin.ConsoleAuth;
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
 * Organization > Audit trail over real HTTP on a real database: each change an admin makes in the
 * console is recorded with that admin as the actor, sign-ins (and bounded failures), the screen's
 * filters, keyset pages both ways, counts, the exports, and one organization never sees another's.
 */
class AuditScreenIT {
    static final TestApp app = TestApp.start();
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW_ACTION = Pattern.compile("data-action=\"([a-z_.]+)\"");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void each_change_in_the_console_is_recorded_with_the_admin_who_made_it_and_listed_newest_first() {
        TestApp.Org org = app.newOrg("audit-console-" + UUID.randomUUID(), false);
        ConsoleBrowser ann = ConsoleBrowser.signedIn(app, org, "ann@example.com");
        Http.Response manage = ann.get("/console/provisioning/manage").expect(200);
        String csrf = ConsoleBrowser.csrf(manage);
        ann.post("/console/provisioning/manage", Map.of("csrf", csrf, "enabled", "on")).expect(303);
        ann.post("/console/provisioning/manage", Map.of("csrf", csrf, "enabled", "on")).expect(303);  // no change: no entry
        // SCIM changes are the accounts' history, not the audit trail's: this one writes no entry.
        String scimId = app.scim(org, "Okta", "POST", "/Users", "{\"userName\":\"bo@example.com\",\"active\":false}")
                .expect(201).json().get("id").asText();
        String accountId = app.queryString("select id::text from managed_accounts where scim_id = ?", UUID.fromString(scimId));
        ann.post("/console/provisioning/tokens", Map.of("csrf", csrf, "label", "okta")).expect(303);
        ann.post("/console/provisioning/tokens/" + org.tokenId() + "/revoke", Map.of("csrf", csrf)).expect(303);
        ann.post("/console/settings/username-policy", Map.of("csrf", csrf, "policy", "rename_in_place")).expect(303);
        ann.post("/console/accounts/" + accountId + "/delete", Map.of("csrf", csrf)).expect(303);
        app.http().send("POST", "/admin/api/orgs/" + org.id() + "/admins/reset-password", app.operatorToken(),
                "{\"email\":\"ann@example.com\"}").expect(200);

        assertThat(trail(org)).containsExactly(
                "organization.created operator", "token.issued operator", "admin.created operator",
                "admin.signed_in ann@example.com", "admin.password_changed ann@example.com",
                "provisioning.enabled ann@example.com", "token.issued ann@example.com", "token.revoked ann@example.com",
                "settings.changed ann@example.com", "account.deleted ann@example.com", "admin.password_reset operator");
        // The deleted account's entry names it by id only: the deletion removed the person's data.
        assertThat(app.queryString("select target_id || '|' || coalesce(target_label, '') || '|' || detail::text from audit_trail "
                + "where org_id = ?::uuid and action = 'account.deleted'", UUID.fromString(org.id())))
                .isEqualTo(accountId + "||{\"previousStatus\": \"deactivated\"}").doesNotContain("bo@example.com");

        ConsoleBrowser kim = ConsoleBrowser.signedIn(app, org, "kim@example.com");
        Http.Response page = kim.get("/console/audit").expect(200);
        assertThat(page.body()).contains("aria-current=\"page\">Audit trail<").contains("User provisioning turned on")
                .contains("usernameChangePolicy: new_account → rename_in_place").contains("SCIM token generated")
                .contains("ann@example.com").contains("Password reset by the operator").contains("entries in all");
        List<String> shown = actions(page);
        assertThat(shown.getFirst()).isEqualTo("admin.password_changed");  // kim's own, the newest
        assertThat(shown).contains("account.deleted", "organization.created");

        assertThat(actions(kim.get("/console/audit?area=token").expect(200))).containsExactly("token.revoked", "token.issued", "token.issued");
        assertThat(actions(kim.get("/console/audit?actor=operator").expect(200))).containsOnly("organization.created", "token.issued",
                "admin.created", "admin.password_reset");
        assertThat(actions(kim.get("/console/audit?actor=ANN%40").expect(200))).isNotEmpty()
                .allMatch(a -> !a.equals("admin.created"));
        assertThat(kim.get("/console/audit?from=2000-01-01T00:00&until=2000-01-02T00:00").expect(200).body())
                .contains("No entries match these filters.");
        assertThat(kim.get("/console/audit?from=tomorrow").status()).isEqualTo(400);
    }

    @Test
    void sign_ins_and_failed_sign_ins_are_recorded_with_the_network_and_failures_are_bounded_per_hour() {
        TestApp.Org org = app.newOrg("audit-sign-in-" + UUID.randomUUID());
        ConsoleBrowser.signedIn(app, org, "ann@example.com");
        long all = app.count("select count(*) from audit_trail");

        new ConsoleBrowser(app.http()).signIn(org.name(), "ann@example.com", "not the password").expect(401);
        new ConsoleBrowser(app.http()).signIn(org.name(), "nobody@example.com", "whatever it is").expect(401);
        assertThat(app.queryString("select actor_label || ' ' || (detail->>'reason') || ' ' || (detail->>'address') from audit_trail "
                + "where org_id = ?::uuid and action = 'admin.sign_in_failed' order by id", UUID.fromString(org.id())))
                .isEqualTo("ann@example.com wrong_password 127.0.0.0/24");
        assertThat(app.queryString("select actor || ' ' || (detail->>'email') from audit_trail where org_id = ?::uuid "
                + "and action = 'admin.sign_in_failed' order by id desc limit 1", UUID.fromString(org.id())))
                .isEqualTo("anonymous nobody@example.com");
        assertThat(app.queryString("select detail->>'address' from audit_trail where org_id = ?::uuid and action = 'admin.signed_in'",
                UUID.fromString(org.id()))).isEqualTo("127.0.0.0/24");

        // An organization that does not exist: nothing is written anywhere.
        long before = app.count("select count(*) from audit_trail");
        new ConsoleBrowser(app.http()).signIn("no-such-org-" + UUID.randomUUID(), "ann@example.com", "whatever it is").expect(401);
        assertThat(app.count("select count(*) from audit_trail")).isEqualTo(before);
        assertThat(before - all).isEqualTo(2);

        // At most so many failures an hour per organization reach the trail; the throttle still counts them all.
        app.execute("insert into audit_trail (org_id, actor, actor_label, action) select ?::uuid, 'anonymous', 'not signed in', "
                + "'admin.sign_in_failed' from generate_series(1, ?)", UUID.fromString(org.id()), ConsoleAuth.FAILED_SIGN_INS_RECORDED_PER_HOUR - 2);
        new ConsoleBrowser(app.http()).signIn(org.name(), "guess@example.com", "whatever it is").expect(401);
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and action = 'admin.sign_in_failed'",
                UUID.fromString(org.id()))).isEqualTo(ConsoleAuth.FAILED_SIGN_INS_RECORDED_PER_HOUR);
    }

    @Test
    void pages_go_older_and_newer_by_keyset_with_a_count_and_another_organizations_entries_never_show() {
        TestApp.Org acme = app.newOrg("audit-pages-" + UUID.randomUUID());
        TestApp.Org globex = app.newOrg("audit-other-" + UUID.randomUUID());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, acme, "ops@example.com");
        ConsoleBrowser other = ConsoleBrowser.signedIn(app, globex, "ops@example.com");
        app.execute("insert into audit_trail (org_id, at, actor, actor_label, action, target_type, target_id, target_label) "
                + "select ?::uuid, now() - make_interval(secs => i), 'operator', 'operator', 'token.issued', 'token', 'acme-' || i, 'acme-' || i "
                + "from generate_series(1, 120) i", UUID.fromString(acme.id()));
        long total = app.count("select count(*) from audit_trail where org_id = ?::uuid", UUID.fromString(acme.id()));

        List<String> seen = new ArrayList<>();
        Http.Response page = admin.get("/console/audit").expect(200);
        assertThat(page.body()).contains(total + " entries in all; the newest 50 are shown");
        List<Http.Response> pages = new ArrayList<>();
        while (true) {
            pages.add(page);
            seen.addAll(ids(page));
            Matcher older = Pattern.compile("href=\"([^\"]+)\" rel=\"next\">Older").matcher(page.body());
            if (!older.find()) break;
            page = admin.get(older.group(1).replace("&amp;", "&")).expect(200);
        }
        assertThat(pages).hasSize(3);
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates();
        // Newer from the last page leads back to the second, exactly.
        Matcher newer = Pattern.compile("href=\"([^\"]+)\" rel=\"prev\">Newer").matcher(pages.getLast().body());
        assertThat(newer.find()).isTrue();
        assertThat(ids(admin.get(newer.group(1).replace("&amp;", "&")).expect(200))).isEqualTo(ids(pages.get(1)));

        // The other organization sees only its own, also when it sends acme's ids or exports.
        String acmeId = app.queryString("select max(id)::text from audit_trail where org_id = ?::uuid", UUID.fromString(acme.id()));
        Http.Response theirs = other.get("/console/audit").expect(200);
        assertThat(theirs.body()).doesNotContain("acme-").doesNotContain(acme.name());
        assertThat(other.get("/console/audit?before=" + acmeId).expect(200).body()).doesNotContain("acme-").doesNotContain("data-action");
        assertThat(other.get("/console/audit/export.csv").expect(200).body()).doesNotContain("acme-");
        assertThat(app.http().send("GET", "/admin/api/orgs/" + globex.id() + "/audit?after=" + acmeId, app.operatorToken(), (String) null)
                .expect(200).json().get("entries")).isEmpty();
    }

    @Test
    void the_exports_stream_every_matching_entry_as_csv_without_formulas_and_as_json() throws Exception {
        TestApp.Org org = app.newOrg("audit-export-" + UUID.randomUUID());
        ConsoleBrowser.signedIn(app, org, "=1+2@evil.example");   // a valid address a spreadsheet would run
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        long total = app.count("select count(*) from audit_trail where org_id = ?::uuid", UUID.fromString(org.id()));

        Http.Response csv = admin.get("/console/audit/export.csv").expect(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).isEqualTo("attachment; filename=\"lanyard-audit-" + org.id() + ".csv\"");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("id,at,actor,actor_name,action,target_type,target_id,target_name,detail");
        assertThat(lines).hasSize((int) total + 1);
        assertThat(csv.body()).contains(",'=1+2@evil.example,").doesNotContain(",=1+2@evil.example");
        for (String line : lines) assertThat(line).doesNotStartWith("=").doesNotContain(",=").doesNotContain(",+").doesNotContain(",@");

        Http.Response json = admin.get("/console/audit/export.json?area=admin").expect(200);
        JsonNode doc = JSON.readTree(json.body());
        assertThat(doc.get("organization").asText()).isEqualTo(org.id());
        assertThat(doc.get("entries")).isNotEmpty().allMatch(e -> e.get("action").asText().startsWith("admin."));
        assertThat(doc.get("entries").size()).isEqualTo(app.count("select count(*) from audit_trail where org_id = ?::uuid "
                + "and action like 'admin.%'", UUID.fromString(org.id())));
    }

    private static List<String> trail(TestApp.Org org) {
        List<String> out = new ArrayList<>();
        String all = app.queryString("select string_agg(action || ' ' || actor_label, '|' order by id) from audit_trail where org_id = ?::uuid",
                UUID.fromString(org.id()));
        for (String s : all.split("\\|")) out.add(s);
        return out;
    }

    private static List<String> actions(Http.Response page) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW_ACTION.matcher(page.body());
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static List<String> ids(Http.Response page) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("data-id=\"(\\d+)\"").matcher(page.body());
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
