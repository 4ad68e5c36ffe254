package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Managed accounts" screens over real HTTP: accounts made through SCIM, seen and deleted in the console. */
class AccountsScreenIT {
    static final TestApp app = TestApp.start();
    private static final Pattern ACCOUNT_LINK = Pattern.compile(
            "href=\"/console/accounts/([0-9a-f-]{36})\"[^>]*>(?:<bdi>)?([^<]+)(?:</bdi>)?</a>");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_list_shows_provisioned_users_with_name_status_and_source_and_is_linked_from_the_landing_page() {
        TestApp.Org org = app.newOrg("accounts-list");
        ConsoleBrowser browser = signedIn(org, "admin@list.example");
        createUser(org, "ann@list.example", "Ann Smith", true);
        createUser(org, "bob@list.example", "Bob Jones", false);

        assertThat(browser.get("/console").expect(200).body()).contains("href=\"/console/accounts\"", "Managed accounts");
        String list = browser.get("/console/accounts").expect(200).body();
        assertThat(list).contains("ann@list.example", "Ann Smith", "bob@list.example", "Bob Jones", "Active",
                "Deactivated", "SCIM", "2 accounts</p>");
        assertThat(list.indexOf("ann@list.example")).isLessThan(list.indexOf("bob@list.example"));
    }

    @Test
    void search_by_email_prefix_ignores_letter_case_and_the_status_filter_narrows_the_list() {
        TestApp.Org org = app.newOrg("accounts-search");
        ConsoleBrowser browser = signedIn(org, "admin@search.example");
        createUser(org, "Carol@search.example", "Carol", true);
        createUser(org, "carl@search.example", "Carl", false);
        createUser(org, "dave@search.example", "Dave", true);

        String car = browser.get("/console/accounts?q=CAR").expect(200).body();
        assertThat(car).contains("Carol@search.example", "carl@search.example").doesNotContain("dave@search.example");
        String active = browser.get("/console/accounts?q=car&status=active").expect(200).body();
        assertThat(active).contains("Carol@search.example").doesNotContain("carl@search.example")
                .contains("value=\"car\"", "<option value=\"active\" selected>").doesNotContain("selected=\"false\"");
        String deactivated = browser.get("/console/accounts?status=deactivated").expect(200).body();
        assertThat(deactivated).contains("carl@search.example").doesNotContain("Carol@search.example", "dave@search.example");
        assertThat(browser.get("/console/accounts?q=zz").expect(200).body()).contains("No accounts match.");
    }

    @Test
    void pages_follow_the_next_link_without_repeating_or_skipping_an_account() {
        TestApp.Org org = app.newOrg("accounts-pages");
        ConsoleBrowser browser = signedIn(org, "admin@pages.example");
        for (int i = 0; i < 55; i++) createUser(org, String.format("u%02d@pages.example", i), "U " + i, true);

        String first = browser.get("/console/accounts?q=u").expect(200).body();
        assertThat(links(first)).hasSize(50).first().isEqualTo("u00@pages.example");
        Matcher next = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"").matcher(first);
        assertThat(next.find()).isTrue();
        String second = browser.get(next.group(1).replace("&amp;", "&")).expect(200).body();
        assertThat(links(second)).containsExactly("u50@pages.example", "u51@pages.example", "u52@pages.example",
                "u53@pages.example", "u54@pages.example");
        assertThat(second).doesNotContain("rel=\"next\"").contains("First page", "51–55 of 55", "rel=\"prev\"");
        assertThat(first).contains("1–50 of 55", "55 accounts match").doesNotContain("rel=\"prev\"");
        // Previous leads back to exactly the first page, and it still says where it is.
        Matcher prev = Pattern.compile("href=\"([^\"]+)\" rel=\"prev\"").matcher(second);
        assertThat(prev.find()).isTrue();
        String back = browser.get(prev.group(1).replace("&amp;", "&")).expect(200).body();
        assertThat(links(back)).isEqualTo(links(first));
        assertThat(back).contains("1–50 of 55").doesNotContain("rel=\"prev\"");
    }

    @Test
    void the_search_uses_an_index_not_a_scan_of_the_organization() {
        String sql = "select id from managed_accounts where org_id = ? and status = ? and lower(email) collate \"C\" >= lower(?)"
                + " and lower(email) collate \"C\" < lower(?) || chr(1114111) and starts_with(lower(email), lower(?))"
                + " order by lower(email) collate \"C\", seq limit 51";
        String plan = app.planWithoutSeqScan(sql, List.of(UUID.randomUUID(), "active", "ann", "ann", "ann"));
        assertThat(plan).contains("managed_accounts_browse_status").doesNotContain("Sort");
        String all = app.planWithoutSeqScan("select id from managed_accounts where org_id = ?"
                + " order by lower(email) collate \"C\", seq limit 51", List.of(UUID.randomUUID()));
        assertThat(all).contains("managed_accounts_browse").doesNotContain("Sort");
    }

    @Test
    void the_detail_shows_attributes_and_history_and_an_invalidated_account_links_to_its_successor() {
        TestApp.Org org = app.newOrg("accounts-detail");
        ConsoleBrowser browser = signedIn(org, "admin@detail.example");
        String scimId = createUser(org, "erin@detail.example", "Erin Old", true);
        app.http().send("PATCH", org.scimPath() + "/Users/" + scimId, org.token(), """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"userName","value":"erin.new@detail.example"}]}""").expect(200);

        String list = browser.get("/console/accounts?q=erin").expect(200).body();
        String oldId = accountId(list, "erin@detail.example");
        String newId = accountId(list, "erin.new@detail.example");
        String old = browser.get("/console/accounts/" + oldId).expect(200).body();
        assertThat(old).contains("Invalidated", "created", "invalidated", "href=\"/console/accounts/" + newId + "\"",
                "replaced by erin.new@detail.example", "<pre class=\"wrap\">", "Erin Old");
        assertThat(old).containsPattern("id=\"successor\"><bdi>erin.new@detail.example</bdi></a>");
        // who acted, by the token's label rather than its id; times to the second, in UTC
        assertThat(old).containsPattern("<td class=\"value\"><bdi>SCIM token \"test\" \\(lanyard_scim_[A-Za-z0-9_-]{8}\u2026\\)</bdi></td>").doesNotContain("scim:token:")
                .containsPattern("<time datetime=\"[^\"]+\">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</time>");
        assertThat(old).contains("href=\"/console/accounts/" + oldId + "/delete\"");
        String successor = browser.get("/console/accounts/" + newId).expect(200).body();
        assertThat(successor).contains("Active", "href=\"/console/accounts/" + oldId + "\"", "replaces erin@detail.example");
        // once the invalidated account is deleted, the successor's "previous account" link reaches its tombstone
        app.http().send("DELETE", "/admin/api/orgs/" + org.id() + "/accounts/" + oldId, app.operatorToken(), (String) null)
                .expect(204);
        assertThat(browser.get("/console/accounts/" + newId).expect(200).body()).contains("href=\"/console/accounts/" + oldId + "\"",
                "replaces a deleted account");
        assertThat(browser.get("/console/accounts/" + oldId).expect(200).body())
                .contains("A deleted account", "the operator", "(it was invalidated)", "replaced by erin.new@detail.example");
    }

    @Test
    void an_active_account_cannot_be_deleted_and_the_page_says_why() {
        TestApp.Org org = app.newOrg("accounts-active");
        ConsoleBrowser browser = signedIn(org, "admin@active.example");
        createUser(org, "fay@active.example", "Fay", true);
        String id = accountId(browser.get("/console/accounts").expect(200).body(), "fay@active.example");

        Http.Response detailPage = browser.get("/console/accounts/" + id).expect(200);
        String detail = detailPage.body();
        assertThat(detail).contains("id=\"why-not-deletable\"", "This account is active", "Deactivate or unassign")
                .doesNotContain("/delete\"");
        assertThat(browser.get("/console/accounts/" + id + "/delete").status()).isEqualTo(303);
        String csrf = ConsoleBrowser.csrf(detailPage);
        Http.Response refused = browser.post("/console/accounts/" + id + "/delete", Map.of("csrf", csrf));
        assertThat(refused.status()).isEqualTo(303);
        assertThat(refused.header("Location")).isEqualTo("/console/accounts/" + id);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid", id)).isEqualTo(1);
    }

    @Test
    void a_disabled_account_is_deleted_after_confirmation_and_the_deletion_is_recorded() {
        TestApp.Org org = app.newOrg("accounts-delete");
        ConsoleBrowser browser = signedIn(org, "admin@delete.example");
        // A name with a space: a random token prefix on the page ("lanyard_scim_rfA6jGus…") can
        // hold any short run of letters, never a space.
        String scimId = createUser(org, "gus@delete.example", "Gus Grey", true);
        app.http().send("DELETE", org.scimPath() + "/Users/" + scimId, org.token(), (String) null).expect(204);
        String id = accountId(browser.get("/console/accounts?status=disabled").expect(200).body(), "gus@delete.example");
        assertThat(browser.get("/console/accounts/" + id).expect(200).body()).contains("Disabled by IdP", "disabled", "Gus Grey");

        Http.Response confirm = browser.get("/console/accounts/" + id + "/delete").expect(200);
        assertThat(confirm.body()).contains("Delete <bdi>gus@delete.example</bdi>?", "method=\"post\"", "If it sends the same username again");
        Http.Response deleted = browser.post("/console/accounts/" + id + "/delete", Map.of("csrf", ConsoleBrowser.csrf(confirm)));
        assertThat(deleted.status()).isEqualTo(303);
        assertThat(deleted.header("Location")).isEqualTo("/console/accounts?deleted=1");
        assertThat(browser.get(deleted.header("Location")).expect(200).body())
                .contains("The account was deleted.").doesNotContain("gus@delete.example");
        // its page is now a tombstone: when, by whom, its history, no personal data
        String tombstone = browser.get("/console/accounts/" + id).expect(200).body();
        assertThat(tombstone).contains("A deleted account", "id=\"deleted-on\"", "admin@delete.example (console)",
                "(it was disabled)", "created", "disabled", "deleted").doesNotContain("gus@delete.example", "Gus Grey");
        assertThat(browser.get("/console/accounts/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
        ConsoleBrowser stranger = signedIn(app.newOrg("accounts-tombstone-other"), "admin@other-tomb.example");
        assertThat(stranger.get("/console/accounts/" + id).status()).isEqualTo(404);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid", id)).isZero();
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = 'deleted' "
                + "and actor like 'console:%'", id)).isEqualTo(1);
    }

    @Test
    void okta_a_deactivated_account_is_deleted_after_a_confirmation_that_says_what_a_later_reactivation_does() {
        TestApp.Org org = app.newOrg("accounts-okta-delete");
        ConsoleBrowser browser = signedIn(org, "admin@okta.example");
        String scimId = createUser(org, "ivy@okta.example", "Ivy", false);  // as Okta leaves a person it deleted
        String id = accountId(browser.get("/console/accounts?status=deactivated").expect(200).body(), "ivy@okta.example");
        assertThat(browser.get("/console/accounts/" + id).expect(200).body())
                .contains("href=\"/console/accounts/" + id + "/delete\"").doesNotContain("why-not-deletable");

        Http.Response confirm = browser.get("/console/accounts/" + id + "/delete").expect(200);
        assertThat(confirm.body()).contains("This account is deactivated.", "id=\"after-deletion\"",
                "If it later reactivates or updates the user, Lanyard answers that the user does not exist (404)",
                "creates a new account", "class=\"danger\"");
        Http.Response deleted = browser.post("/console/accounts/" + id + "/delete", Map.of("csrf", ConsoleBrowser.csrf(confirm)));
        assertThat(deleted.status()).isEqualTo(303);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid", id)).isZero();

        // what the page promised, over SCIM
        String reactivate = """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"active":true}}]}""";
        assertThat(app.http().send("PATCH", org.scimPath() + "/Users/" + scimId, org.token(), reactivate).status()).isEqualTo(404);
        String again = createUser(org, "ivy@okta.example", "Ivy", true);
        assertThat(again).isNotEqualTo(scimId);
        assertThat(accountId(browser.get("/console/accounts").expect(200).body(), "ivy@okta.example")).isNotEqualTo(id);
    }

    @Test
    void a_delete_without_the_csrf_token_is_refused_with_403_and_changes_nothing() {
        TestApp.Org org = app.newOrg("accounts-csrf");
        ConsoleBrowser browser = signedIn(org, "admin@csrf.example");
        String scimId = createUser(org, "hal@csrf.example", "Hal", true);
        app.http().send("DELETE", org.scimPath() + "/Users/" + scimId, org.token(), (String) null).expect(204);
        String id = accountId(browser.get("/console/accounts").expect(200).body(), "hal@csrf.example");

        assertThat(browser.post("/console/accounts/" + id + "/delete", Map.of()).status()).isEqualTo(403);
        assertThat(browser.post("/console/accounts/" + id + "/delete", Map.of("csrf", "forged")).status()).isEqualTo(403);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid", id)).isEqualTo(1);
    }

    @Test
    void another_organizations_admin_gets_404_for_every_page_of_the_account_and_without_a_session_the_sign_in_form() {
        TestApp.Org org = app.newOrg("accounts-owner");
        ConsoleBrowser owner = signedIn(org, "admin@owner.example");
        String scimId = createUser(org, "ivy@owner.example", "Ivy", true);
        app.http().send("DELETE", org.scimPath() + "/Users/" + scimId, org.token(), (String) null).expect(204);
        String id = accountId(owner.get("/console/accounts").expect(200).body(), "ivy@owner.example");

        TestApp.Org other = app.newOrg("accounts-other");
        ConsoleBrowser stranger = signedIn(other, "admin@other.example");
        assertThat(stranger.get("/console/accounts").expect(200).body()).doesNotContain("ivy@owner.example");
        assertThat(stranger.get("/console/accounts/" + id).status()).isEqualTo(404);
        assertThat(stranger.get("/console/accounts/" + id + "/delete").status()).isEqualTo(404);
        String csrf = ConsoleBrowser.csrf(stranger.get("/console/accounts").expect(200));
        assertThat(stranger.post("/console/accounts/" + id + "/delete", Map.of("csrf", csrf)).status()).isEqualTo(404);
        assertThat(stranger.get("/console/accounts/not-a-uuid").status()).isEqualTo(404);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid", id)).isEqualTo(1);

        ConsoleBrowser anonymous = new ConsoleBrowser(app.http());
        for (String path : List.of("/console/accounts", "/console/accounts/" + id, "/console/accounts/" + id + "/delete")) {
            Http.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/console/login?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(anonymous.post("/console/accounts/" + id + "/delete", Map.of()).status()).isEqualTo(303);
    }

    private static ConsoleBrowser signedIn(TestApp.Org org, String email) {
        return ConsoleBrowser.signedIn(app, org, email);
    }

    /** Creates a SCIM user; returns its SCIM id. */
    private static String createUser(TestApp.Org org, String userName, String formatted, boolean active) {
        return app.http().send("POST", org.scimPath() + "/Users", org.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",
                 "name":{"formatted":"%s"},"active":%s}""".formatted(userName, formatted, active))
                .expect(201).json().get("id").asText();
    }

    private static List<String> links(String page) {
        Matcher m = ACCOUNT_LINK.matcher(page);
        List<String> emails = new java.util.ArrayList<>();
        while (m.find()) emails.add(m.group(2));
        return emails;
    }

    private static String accountId(String page, String email) {
        Matcher m = ACCOUNT_LINK.matcher(page);
        while (m.find()) if (m.group(2).equals(email)) return m.group(1);
        throw new AssertionError("no link to " + email + " in " + page);
    }
}
