package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Organization > Provisioning log over real HTTP: SCIM requests sent with a token, then read in the console. */
class ProvisioningLogScreenIT {
    static final TestApp app = TestApp.start();
    static final String OKTA = "Okta SCIM Client 1.0.0";
    static final String ENTRA = "Azure Active Directory SCIM Client";
    private static final Pattern ENTRY = Pattern.compile("href=\"/console/provisioning/log/(\\d+)\"");
    private static final Pattern PREVIOUS = Pattern.compile("href=\"([^\"]+)\" rel=\"prev\">Previous<");
    private static final Pattern OLDER = Pattern.compile("href=\"([^\"]+)\" rel=\"next\">Older<");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void each_request_is_listed_newest_first_and_a_failure_says_why_and_how_to_fix_it() {
        TestApp.Org org = app.newOrg("log-screen-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@log.example");
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"ann@log.example\",\"password\":\"Sup3r-Secret-1\"}").expect(201);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"jdoe\"}").expect(400);
        app.scim(org, ENTRA, "GET", "/Users?filter=userName%20eq%20%22ann%40log.example%22", null).expect(200);
        // A wrong token is anonymous: it writes nothing into the organization's log (docs/security.md).
        app.http().send("GET", org.scimPath() + "/Groups", "lanyard_scim_wrong", (String) null).expect(401);
        app.scim(org, OKTA, "GET", "/Groups?filter=displayName%20eq%20%22x%22", null).expect(200);
        app.flushProvisioningLog();

        String page = browser.get("/console/provisioning/log").expect(200).body();
        assertThat(ENTRY.matcher(page).results().count()).isEqualTo(4);
        assertThat(page).contains("role=\"status\"", "4 requests, newest first.", "POST /Users", "201 Created",
                "400 Bad Request", "200 OK", "Okta", "Entra ID", "<caption", "scope=\"col\"", "scope=\"row\"")
                .doesNotContain("401 Unauthorized");
        // the filter as people read it, not percent-encoded
        assertThat(page).contains("GET /Users?filter=userName eq \"ann@log.example\"");
        assertThat(page).contains("userName must be an email address", "How to fix:", "username format to Email");
        assertThat(page.indexOf("GET /Groups")).isLessThan(page.indexOf("400 Bad Request"));
        assertThat(page.indexOf("400 Bad Request")).isLessThan(page.indexOf("201 Created"));
        assertThat(page).doesNotContain("Sup3r-Secret-1", org.token());
    }

    @Test
    void the_outcome_filter_keeps_failures_or_successes_and_periods_and_dates_narrow_by_time() {
        TestApp.Org org = app.newOrg("log-filter-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@filter.example");
        app.scim(org, OKTA, "GET", "/Users", null).expect(200);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"not-an-email\"}").expect(400);
        app.flushProvisioningLog();
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms) "
                + "values (?::uuid, now() - interval '2 days', 'DELETE', ?, 'okta', 204, 3)", org.id(), org.scimPath() + "/Users/old");

        String failures = browser.get("/console/provisioning/log?status=failures").expect(200).body();
        assertThat(failures).contains("400 Bad Request", "<option value=\"failures\" selected>").doesNotContain("200 OK", "204 No Content");
        String successes = browser.get("/console/provisioning/log?status=successes").expect(200).body();
        assertThat(successes).contains("200 OK", "204 No Content").doesNotContain("400 Bad Request");
        String lastDay = browser.get("/console/provisioning/log?period=24h").expect(200).body();
        assertThat(lastDay).contains("200 OK", "400 Bad Request").doesNotContain("DELETE /Users/old");
        assertThat(browser.get("/console/provisioning/log?period=7d").expect(200).body()).contains("DELETE /Users/old");

        Instant now = Instant.now();
        String between = browser.get("/console/provisioning/log?from=" + local(now.minus(Duration.ofDays(3)))
                + "&until=" + local(now.minus(Duration.ofDays(1)))).expect(200).body();
        assertThat(between).contains("DELETE /Users/old", "1 request matches these filters, newest first.").doesNotContain("200 OK");
        assertThat(browser.get("/console/provisioning/log?status=failures&from=" + local(now.minus(Duration.ofDays(3)))
                + "&until=" + local(now.minus(Duration.ofDays(1)))).expect(200).body())
                .contains("No requests match these filters.").doesNotContain("No requests yet");

        Http.Response wrong = browser.get("/console/provisioning/log?from=yesterday");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("id=\"from-error\"", "From must be a date and time in UTC", "aria-invalid=\"true\"",
                "value=\"yesterday\"").doesNotContain("href=\"/console/provisioning/log/");
    }

    @Test
    void older_pages_go_back_through_every_request_once() {
        TestApp.Org org = app.newOrg("log-pages-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@pages.example");
        for (int i = 0; i < 55; i++) app.scim(org, OKTA, "GET", "/Users?startIndex=" + (i + 1), null).expect(200);
        app.flushProvisioningLog();

        String first = browser.get("/console/provisioning/log").expect(200).body();
        List<String> firstIds = ids(first);
        assertThat(firstIds).hasSize(50);
        assertThat(first).contains("55 requests, newest first.", ">1–50 of 55<", "/Users?startIndex=55").doesNotContain("/Users?startIndex=5<").doesNotContain(">Newest<");
        String second = browser.get(older(first)).expect(200).body();
        List<String> secondIds = ids(second);
        assertThat(secondIds).hasSize(5);
        assertThat(second).contains("/Users?startIndex=1<", ">51–55 of 55<", ">Newest<", ">Previous<").doesNotContain(">Older<");
        assertThat(new HashSet<>(concat(firstIds, secondIds))).hasSize(55);
    }

    @Test
    void previous_comes_back_through_the_same_pages_and_the_position_counts_what_the_filter_shows() {
        TestApp.Org org = app.newOrg("log-previous-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@previous.example");
        for (int i = 0; i < 103; i++) app.scim(org, OKTA, "GET", "/Users?startIndex=" + (i + 1), null).expect(200);
        for (int i = 0; i < 4; i++) app.scim(org, OKTA, "GET", "/Users/missing-" + i, null).expect(404);
        app.flushProvisioningLog();

        String first = browser.get("/console/provisioning/log?status=successes").expect(200).body();
        assertThat(first).contains("103 requests match these filters, newest first.", ">1–50 of 103<").doesNotContain(">Previous<");
        String second = browser.get(older(first)).expect(200).body();
        assertThat(second).contains(">51–100 of 103<", ">Previous<");
        String third = browser.get(older(second)).expect(200).body();
        assertThat(third).contains(">101–103 of 103<").doesNotContain(">Older<");
        assertThat(ids(third)).hasSize(3);

        String backToSecond = browser.get(previous(third)).expect(200).body();
        assertThat(backToSecond).contains(">51–100 of 103<");
        assertThat(ids(backToSecond)).isEqualTo(ids(second));
        String backToFirst = browser.get(previous(backToSecond)).expect(200).body();
        assertThat(backToFirst).contains(">1–50 of 103<").doesNotContain(">Previous<").doesNotContain(">Newest<");
        assertThat(ids(backToFirst)).isEqualTo(ids(first));

        // The whole log counts every request; the failures alone count only theirs.
        assertThat(browser.get("/console/provisioning/log").expect(200).body()).contains("107 requests, newest first.", ">1–50 of 107<");
        assertThat(browser.get("/console/provisioning/log?status=failures").expect(200).body())
                .contains("4 requests match these filters", ">1–4 of 4<");
    }

    @Test
    void older_pages_follow_the_request_times_even_when_the_ids_are_not_in_that_order() {
        // The writer numbers entries as it dequeues them, so a request answered later can get a lower id.
        // Here ids grow as the times go back: paging by "id < last id" would show the first page again.
        TestApp.Org org = app.newOrg("log-order-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@order.example");
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms) "
                + "select ?::uuid, now() - make_interval(mins => g), 'GET', ? || g, 'okta', 200, 1 "
                + "from generate_series(1, 60) g", org.id(), org.scimPath() + "/Users/u");

        String first = browser.get("/console/provisioning/log").expect(200).body();
        assertThat(first).contains("/Users/u1<", "/Users/u50<").doesNotContain("/Users/u51<");
        String second = browser.get(older(first)).expect(200).body();
        assertThat(ids(second)).hasSize(10);
        assertThat(second).contains("/Users/u51<", "/Users/u60<").doesNotContain("/Users/u50<");
    }

    @Test
    void an_older_page_is_a_range_on_the_organizations_index_not_a_scan_of_newer_entries() {
        assertThat(olderPagePlan("")).contains("provisioning_log_org_at");
    }

    /** The failures view reads an index of the failures alone (V112), newest first, not every entry's. */
    @Test
    void a_page_of_failures_is_a_range_on_the_failures_index() {
        assertThat(olderPagePlan(" and status >= 400")).contains("provisioning_log_org_failures");
    }

    private static boolean analysed;

    /**
     * The plan of a page of the log older than an entry, with {@code filter}: an index range in the page's order.
     * Planned on statistics of a log as a server has one (other organizations' entries, analysed):
     * on the few rows the other tests leave, whether autovacuum had analysed them yet decided
     * between two plans of nearly the same cost.
     */
    private String olderPagePlan(String filter) {
        synchronized (ProvisioningLogScreenIT.class) {
            if (!analysed) {
                TestApp.Org neighbour = app.newOrg("log-neighbour-" + UUID.randomUUID());
                app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms) "
                        + "select ?::uuid, now() - make_interval(secs => g), 'GET', '/scim/v2/x/Users', 'okta', "
                        + "case when g % 20 = 0 then 500 else 200 end, 1 from generate_series(1, 5000) g", neighbour.id());
                app.execute("analyze provisioning_log");
                analysed = true;
            }
        }
        String plan = app.planWithoutSeqScan("select id from provisioning_log where org_id = ?" + filter + " and (at, id) < "
                + "((select b.at from provisioning_log b where b.id = ? and b.org_id = ?), ?) order by at desc, id desc limit 51",
                List.of(UUID.randomUUID(), 1000L, UUID.randomUUID(), 1000L));
        assertThat(plan).contains("Index Cond: ((org_id = ").containsPattern("ROW\\(at, id\\) < ROW").doesNotContain("Sort");
        return plan;
    }

    @Test
    void the_detail_shows_the_whole_request_the_error_and_the_body_with_the_password_redacted() {
        TestApp.Org org = app.newOrg("log-detail-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@detail.example");
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"jdoe\",\"password\":\"Sup3r-Secret-1\",\"active\":true}").expect(400);
        app.flushProvisioningLog();
        String id = ids(browser.get("/console/provisioning/log").expect(200).body()).getFirst();

        String detail = browser.get("/console/provisioning/log/" + id).expect(200).body();
        assertThat(detail).contains("<h1 class=\"value\">POST /Users</h1>", "Why it failed", "userName must be an email address",
                "How to fix:", "username format to Email", "<code>invalidValue</code>", "400 Bad Request",
                "<code class=\"value\">" + org.scimPath() + "/Users</code>", "Okta", "\"userName\" : \"jdoe\"", "\"password\" : \"[redacted]\"");
        assertThat(detail).doesNotContain("Sup3r-Secret-1");
    }

    @Test
    void each_row_names_the_user_linked_to_the_account_and_the_token_by_label_and_prefix_and_the_account_links_back() {
        TestApp.Org org = app.newOrg("log-subject-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@subject.example");
        String scimId = app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"kim@subject.example\"}").expect(201)
                .json().get("id").asText();
        app.scim(org, OKTA, "PATCH", "/Users/" + scimId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"title":"CTO"}}]}""")
                .expect(200);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"lou@subject.example\"}").expect(201);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":").expect(400);  // not JSON
        app.scim(org, OKTA, "GET", "/Userz", null).expect(404);
        app.flushProvisioningLog();
        String accountId = app.queryString("select id::text from managed_accounts where org_id = ?::uuid and email = ?",
                org.id(), "kim@subject.example");
        String prefix = org.token().substring(0, "lanyard_scim_".length() + 8);

        String page = browser.get("/console/provisioning/log").expect(200).body();
        assertThat(page).contains("<a href=\"/console/accounts/" + accountId + "\"><bdi>kim@subject.example</bdi></a>",
                "<bdi>lou@subject.example</bdi>", prefix + "\u2026").doesNotContain(org.token());
        // hints that fit: unreadable JSON is not "a value Lanyard cannot store"; a wrong address is not "no longer linked"
        assertThat(page).contains("a request Lanyard cannot read", "an address Lanyard does not serve")
                .doesNotContain("no longer linked");

        String detail = browser.get("/console/accounts/" + accountId).expect(200).body();
        assertThat(detail).contains("href=\"/console/provisioning/log?account=" + accountId + "\"");
        String mine = browser.get("/console/provisioning/log?account=" + accountId).expect(200).body();
        assertThat(ids(mine)).hasSize(2);
        assertThat(mine).contains("id=\"log-account\"", "PATCH /Users/" + scimId, "2 requests match these filters")
                .doesNotContain("lou@subject.example");

        // a failure's entry shows the error body the IdP received
        String failure = ids(browser.get("/console/provisioning/log?status=failures").body()).getLast();
        assertThat(browser.get("/console/provisioning/log/" + failure).expect(200).body())
                .contains("id=\"response-body\"", "urn:ietf:params:scim:api:messages:2.0:Error", "invalidSyntax");
        // the admin API says the same
        var entries = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/provisioning-log?account=" + accountId,
                app.operatorToken(), (String) null).expect(200).json().get("entries");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).get("userName").asText()).isEqualTo("kim@subject.example");
        assertThat(entries.get(0).get("tokenId").asText()).isEqualTo(org.tokenId());
    }

    @Test
    void another_organizations_requests_are_neither_listed_nor_reachable_by_id() {
        TestApp.Org owner = app.newOrg("log-owner-" + UUID.randomUUID());
        app.scim(owner, OKTA, "POST", "/Users", "{\"userName\":\"ivy@owner.example\"}").expect(201);
        app.flushProvisioningLog();
        String id = ids(ConsoleBrowser.signedIn(app, owner, "admin@owner.example").get("/console/provisioning/log").body()).getFirst();

        TestApp.Org other = app.newOrg("log-other-" + UUID.randomUUID());
        ConsoleBrowser stranger = ConsoleBrowser.signedIn(app, other, "admin@other.example");
        assertThat(stranger.get("/console/provisioning/log").expect(200).body()).doesNotContain("POST /Users");
        assertThat(stranger.get("/console/provisioning/log/" + id).status()).isEqualTo(404);
        assertThat(stranger.get("/console/provisioning/log/not-a-number").status()).isEqualTo(404);
        assertThat(stranger.get("/console/provisioning/log?before=" + (Long.parseLong(id) + 1)).expect(200).body())
                .doesNotContain("POST /Users");

        ConsoleBrowser anonymous = new ConsoleBrowser(app.http());
        for (String path : List.of("/console/provisioning/log", "/console/provisioning/log/" + id)) {
            Http.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/console/login?next=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void an_organization_without_requests_is_told_how_to_connect_its_idp() {
        TestApp.Org org = app.newOrg("log-empty-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "admin@empty.example");
        String page = browser.get("/console/provisioning/log").expect(200).body();
        assertThat(page).contains("id=\"log-empty\"", "No requests yet: set up your IdP with the SCIM URL and a token on",
                "href=\"/console/provisioning\">User provisioning</a>").doesNotContain("<table");
        assertThat(browser.get("/console/provisioning/log?status=failures").expect(200).body())
                .contains("No requests match these filters.").doesNotContain("id=\"log-empty\"");
    }

    private static String local(Instant t) {
        return LocalDateTime.ofInstant(t.truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC).toString();
    }

    private static List<String> ids(String page) {
        List<String> ids = new ArrayList<>();
        Matcher m = ENTRY.matcher(page);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    private static String older(String page) {
        Matcher m = OLDER.matcher(page);
        if (!m.find()) throw new AssertionError("no Older link in " + page);
        return m.group(1).replace("&amp;", "&");
    }

    private static String previous(String page) {
        Matcher m = PREVIOUS.matcher(page);
        if (!m.find()) throw new AssertionError("no Previous link in " + page);
        return m.group(1).replace("&amp;", "&");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
