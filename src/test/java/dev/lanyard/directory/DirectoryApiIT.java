package dev.lanyard.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.Replay;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The apps' API over real HTTP (README "Directory API and events"): the event feed walked by its
 * cursor, the Directory API's lists and filters, and who may read what: an app with its client
 * credentials, only for organizations it is allowed and not turned off for (404 otherwise).
 */
class DirectoryApiIT {
    static final TestApp app = TestApp.start();
    static final Map<String, String> OKTA = Map.of("User-Agent", "Okta SCIM Client 1.0.0", "Accept", "application/scim+json");

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A confidential app for these organizations (none: all), and its Basic credentials. */
    static String newApp(Optional<List<UUID>> orgs) {
        var registered = app.services().apps().create(new ClientService.Spec("reader " + UUID.randomUUID(),
                List.of("https://app.example/callback"), false, orgs, Duration.ofMinutes(10), Duration.ZERO));
        return basic(registered.client().clientId(), registered.secret().orElseThrow().secret());
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static Http.Response get(String auth, String path) {
        return app.http().send("GET", path, null, auth == null ? Map.of() : Map.of("Authorization", auth));
    }

    static String orgPath(TestApp.Org org) {
        return "/api/v1/orgs/" + org.id();
    }

    /** Every event of the organization through HTTP, {@code limit} a page, and the last cursor. */
    static List<JsonNode> walk(String auth, TestApp.Org org, String after, int limit, String[] last) {
        settle(UUID.fromString(org.id()));
        List<JsonNode> out = new ArrayList<>();
        String cursor = after;
        while (true) {
            JsonNode page = get(auth, orgPath(org) + "/events?limit=" + limit + (cursor == null ? "" : "&after=" + cursor))
                    .expect(200).json();
            page.get("data").forEach(out::add);
            cursor = page.get("next_cursor").asText();
            if (!page.get("has_more").asBoolean()) break;
        }
        last[0] = cursor;
        return out;
    }

    @Test
    void walking_the_feed_by_its_cursor_sees_every_event_once_and_then_only_new_ones() {
        TestApp.Org org = app.newOrg("api-feed-" + UUID.randomUUID());
        String auth = newApp(Optional.of(List.of(UUID.fromString(org.id()))));
        Replay.play(app, org, "/idp/okta/assign-update-deactivate.json", OKTA);

        String[] cursor = new String[1];
        List<JsonNode> byTwo = walk(auth, org, null, 2, cursor);
        List<JsonNode> atOnce = walk(auth, org, null, 1000, new String[1]);
        assertThat(byTwo).hasSize(11).isEqualTo(atOnce);
        assertThat(byTwo).extracting(e -> e.get("id").asText()).doesNotHaveDuplicates();
        assertThat(byTwo).extracting(e -> e.get("type").asText()).startsWith("organization.updated", "account.created",
                "account.updated", "account.deactivated");
        JsonNode created = byTwo.getLast();
        assertThat(created.get("organization_id").asText()).isEqualTo(org.id());
        assertThat(created.get("subject_id").asText()).isEqualTo(created.at("/data/id").asText());
        assertThat(created.get("subject_version").asLong()).isEqualTo(1);
        assertThat(created.get("occurred_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(created.at("/data/email").asText()).isEqualTo("test.renamed@okta.local");
        assertThat(created.get("cursor").asText()).isEqualTo(cursor[0]);

        // Nothing new: the same cursor comes back. One more change: exactly that one event.
        JsonNode idle = get(auth, orgPath(org) + "/events?after=" + cursor[0]).expect(200).json();
        assertThat(idle.get("data")).isEmpty();
        assertThat(idle.get("next_cursor").asText()).isEqualTo(cursor[0]);
        app.scim(org, "test", "PATCH", "/Users/" + created.at("/data/id").asText(), "{}");  // not the SCIM id: 404, no event
        String scimId = app.queryString("select scim_id::text from managed_accounts where id = ?::uuid", created.at("/data/id").asText());
        app.scim(org, "test", "PATCH", "/Users/" + scimId, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}").expect(200);
        List<JsonNode> next = walk(auth, org, cursor[0], 100, cursor);
        assertThat(next).extracting(e -> e.get("type").asText() + " v" + e.get("subject_version").asLong())
                .containsExactly("account.deactivated v2");
        assertThat(next.getFirst().at("/data/status").asText()).isEqualTo("deactivated");
    }

    @Test
    void after_now_gives_a_cursor_that_sees_only_later_changes() {
        TestApp.Org org = app.newOrg("api-now-" + UUID.randomUUID());
        String auth = newApp(Optional.empty());
        String first = app.scim(org, "test", "POST", "/Users", user("early@example.com")).expect(201).json().get("id").asText();
        settle(UUID.fromString(org.id()));
        JsonNode now = get(auth, orgPath(org) + "/events?after=now").expect(200).json();
        assertThat(now.get("data")).isEmpty();
        assertThat(now.get("has_more").asBoolean()).isFalse();
        app.scim(org, "test", "POST", "/Users", user("late@example.com")).expect(201);
        List<JsonNode> later = walk(auth, org, now.get("next_cursor").asText(), 100, new String[1]);
        assertThat(later).extracting(e -> e.at("/data/email").asText()).containsExactly("late@example.com");
        assertThat(first).isNotBlank();
    }

    @Test
    void an_app_sees_only_the_organizations_it_may_read_and_the_rest_is_404() {
        TestApp.Org allowed = app.newOrg("api-allowed-" + UUID.randomUUID());
        TestApp.Org other = app.newOrg("api-other-" + UUID.randomUUID());
        String auth = newApp(Optional.of(List.of(UUID.fromString(allowed.id()))));
        get(auth, orgPath(allowed) + "/accounts").expect(200);

        Http.Response notAllowed = get(auth, orgPath(other) + "/accounts").expect(404);
        Http.Response missing = get(auth, "/api/v1/orgs/" + UUID.randomUUID() + "/accounts").expect(404);
        Http.Response notAnId = get(auth, "/api/v1/orgs/acme/events").expect(404);
        assertThat(notAllowed.header("Content-Type")).startsWith("application/json");
        // The same words whether the organization exists or not.
        assertThat(notAllowed.json().get("message").asText().replace(other.id(), "X"))
                .isEqualTo(missing.json().get("message").asText().replaceAll("[0-9a-f-]{36}", "X"));
        assertThat(notAnId.json().get("status").asInt()).isEqualTo(404);

        // An app for every organization sees both; turned off by an organization's admin, that one is 404.
        String everywhere = newApp(Optional.empty());
        get(everywhere, orgPath(other) + "/events").expect(200);
        String clientId = new String(Base64.getDecoder().decode(everywhere.substring(6)), StandardCharsets.UTF_8).split(":")[0];
        app.services().apps().setTurnedOff(UUID.fromString(other.id()), clientId, true, "console:test");
        assertThat(get(everywhere, orgPath(other) + "/events").expect(404).body()).doesNotContain("turned off this app");
        get(everywhere, orgPath(other) + "/accounts").expect(404);
        get(everywhere, orgPath(allowed) + "/events").expect(200);
        app.services().apps().setTurnedOff(UUID.fromString(other.id()), clientId, false, "console:test");
        get(everywhere, orgPath(other) + "/events").expect(200);
    }

    @Test
    void without_valid_client_credentials_it_is_401_and_says_how_to_authenticate() {
        TestApp.Org org = app.newOrg("api-auth-" + UUID.randomUUID());
        String auth = newApp(Optional.empty());
        String clientId = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8).split(":")[0];
        var publicApp = app.services().apps().create(new ClientService.Spec("public " + UUID.randomUUID(),
                List.of("https://app.example/callback"), true, Optional.empty(), Duration.ofMinutes(10), Duration.ZERO));
        for (String bad : new String[] {null, "Bearer x", "Basic !!!", basic(clientId, "lanyard_oidc_wrong"),
                basic("app_nobody", "x"), basic(publicApp.client().clientId(), ""), "Basic " + "A".repeat(2000)}) {
            Http.Response r = get(bad, orgPath(org) + "/events");
            assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).startsWith("Basic realm=");
            assertThat(r.json().get("message").asText()).contains("client_id");
        }
    }

    @Test
    void bad_cursors_limits_and_parameters_are_400_with_a_clear_message() {
        TestApp.Org org = app.newOrg("api-bad-" + UUID.randomUUID());
        String auth = newApp(Optional.empty());
        String accountsCursor = OpaqueCursor.encode(OpaqueCursor.ACCOUNTS, 1, 2);
        String canonical = new EventCursor(5, 7).encode();
        String nonCanonical = canonical.substring(0, 22) + (char) (canonical.charAt(22) + 1);
        for (String after : List.of("x", "not-a-cursor-at-all-xxx", accountsCursor, nonCanonical, "A".repeat(101),
                "AQAAAAAAAAL2AAAAAAAAAAc=", "%00")) {
            Http.Response r = get(auth, orgPath(org) + "/events?after=" + after);
            assertThat(r.status()).as(after).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(after).contains("cursor");
        }
        get(auth, orgPath(org) + "/events?after=" + canonical).expect(200);
        for (String limit : List.of("0", "1001", "-1", "abc", "1e3", "99999999999")) {
            assertThat(get(auth, orgPath(org) + "/events?limit=" + limit).expect(400).json().get("message").asText())
                    .contains("limit must be a whole number from 1 to 1000");
        }
        get(auth, orgPath(org) + "/events?limit=1000").expect(200);
        get(auth, orgPath(org) + "/events?limit=1").expect(200);
        assertThat(get(auth, orgPath(org) + "/accounts?stauts=active").expect(400).json().get("message").asText())
                .contains("unknown query parameter \"stauts\"");
        get(auth, orgPath(org) + "/accounts?status=gone").expect(400);
        get(auth, orgPath(org) + "/accounts?status=active&status=disabled").expect(400);
        get(auth, orgPath(org) + "/accounts?updated_since=yesterday").expect(400);
        get(auth, orgPath(org) + "/accounts?after=" + canonical).expect(400);  // an events cursor is no accounts cursor
        get(auth, orgPath(org) + "/accounts/not-an-id").expect(404);
        get(auth, orgPath(org) + "/nothing-here").expect(404);
    }

    @Test
    void an_app_over_its_rate_is_429_with_retry_after() throws Exception {
        TestApp.Org org = app.newOrg("api-rate-" + UUID.randomUUID());
        String auth = newApp(Optional.empty());
        Http.Response limited = null;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var answers = new ArrayList<java.util.concurrent.Future<Http.Response>>();
            for (int i = 0; i < 400; i++) answers.add(pool.submit(() -> get(auth, orgPath(org) + "/events?limit=1")));
            for (var answer : answers) {
                Http.Response r = answer.get();
                if (r.status() == 429 && limited == null) limited = r;
                else if (r.status() != 429) r.expect(200);
            }
        }
        assertThat(limited).as("no 429 within 400 requests").isNotNull();
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isPositive();
        // Another app is not slowed by it.
        get(newApp(Optional.empty()), orgPath(org) + "/events").expect(200);
    }

    @Test
    void accounts_are_listed_with_filters_and_keyset_pages_and_linked_to_predecessors() {
        TestApp.Org org = app.newOrg("api-accounts-" + UUID.randomUUID());
        TestApp.Org other = app.newOrg("api-accounts-other-" + UUID.randomUUID());
        String auth = newApp(Optional.empty());
        List<String> scimIds = new ArrayList<>();
        for (String email : List.of("a1@example.com", "a2@example.com", "a3@example.com", "A4@Example.com")) {
            scimIds.add(app.scim(org, "test", "POST", "/Users", user(email)).expect(201).json().get("id").asText());
        }
        Instant midway = Instant.now();
        app.scim(org, "test", "PATCH", "/Users/" + scimIds.get(0), "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"a1.new@example.com\"}]}").expect(200);
        app.scim(org, "test", "PATCH", "/Users/" + scimIds.get(1), "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}").expect(200);
        String otherAccount = app.scim(other, "test", "POST", "/Users", user("a1@example.com")).expect(201).json().get("id").asText();

        long total = app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id());
        List<JsonNode> byOne = pages(auth, orgPath(org) + "/accounts?limit=1");
        assertThat(byOne).hasSize((int) total);
        assertThat(byOne).extracting(a -> a.get("id").asText()).doesNotHaveDuplicates();
        assertThat(byOne).extracting(a -> a.get("organization_id").asText()).containsOnly(org.id());
        assertThat(byOne).extracting(a -> a.get("updated_at").asText()).isSorted();

        assertThat(pages(auth, orgPath(org) + "/accounts?status=deactivated")).extracting(a -> a.get("email").asText())
                .containsExactly("a2@example.com");
        List<JsonNode> found = pages(auth, orgPath(org) + "/accounts?email=a4@EXAMPLE.com");
        assertThat(found).extracting(a -> a.get("email").asText()).containsExactly("A4@Example.com");
        List<JsonNode> since = pages(auth, orgPath(org) + "/accounts?limit=2&updated_since=" + midway);
        assertThat(since).extracting(a -> a.get("email").asText() + " " + a.get("status").asText())
                .containsExactlyInAnyOrder("a1@example.com invalidated", "a1.new@example.com active", "a2@example.com deactivated");

        JsonNode old = pages(auth, orgPath(org) + "/accounts?email=a1@example.com&status=invalidated").getFirst();
        JsonNode successor = get(auth, orgPath(org) + "/accounts/" + old.get("successor_id").asText()).expect(200).json();
        assertThat(successor.get("email").asText()).isEqualTo("a1.new@example.com");
        assertThat(successor.get("predecessor_id").asText()).isEqualTo(old.get("id").asText());
        assertThat(successor.has("attributes")).isFalse();  // app-shaped, not SCIM

        String otherId = app.queryString("select id::text from managed_accounts where scim_id = ?::uuid", otherAccount);
        get(auth, orgPath(org) + "/accounts/" + otherId).expect(404);  // another organization's account
        get(auth, orgPath(org) + "/accounts/" + UUID.randomUUID()).expect(404);
    }

    @Test
    void groups_and_their_members_are_paged() {
        TestApp.Org org = app.newOrg("api-groups-" + UUID.randomUUID());
        String auth = newApp(Optional.empty());
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 5; i++) members.add(app.scim(org, "test", "POST", "/Users", user("m" + i + "@example.com")).expect(201).json().get("id").asText());
        StringBuilder list = new StringBuilder();
        for (String m : members) list.append(list.isEmpty() ? "" : ",").append("{\"value\":\"").append(m).append("\"}");
        String g1 = app.scim(org, "test", "POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
                + "\"displayName\":\"Everyone\",\"members\":[" + list + "]}").expect(201).json().get("id").asText();
        app.scim(org, "test", "POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
                + "\"displayName\":\"Nobody\"}").expect(201);

        assertThat(pages(auth, orgPath(org) + "/groups?limit=1")).extracting(g -> g.get("name").asText())
                .containsExactlyInAnyOrder("Everyone", "Nobody");
        JsonNode group = get(auth, orgPath(org) + "/groups/" + g1).expect(200).json();
        assertThat(group.get("member_count").asLong()).isEqualTo(5);
        List<JsonNode> paged = pages(auth, orgPath(org) + "/groups/" + g1 + "/members?limit=2");
        assertThat(paged).extracting(a -> a.get("email").asText())
                .containsExactlyInAnyOrder("m0@example.com", "m1@example.com", "m2@example.com", "m3@example.com", "m4@example.com");
        get(auth, orgPath(org) + "/groups/" + UUID.randomUUID() + "/members").expect(404);
        get(auth, orgPath(org) + "/groups/" + UUID.randomUUID()).expect(404);
    }

    /** Waits until every stored event of the organization is visible to the feed (see EventOutboxIT.all). */
    static void settle(UUID org) {
        long stored = app.count("select count(*) from directory_events where org_id = ?", org);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (app.services().directory().events().readAfter(org, EventCursor.START, 1000).size() < stored
                && System.nanoTime() < deadline) {
            EventOutboxIT.sleep();
        }
    }

    /** Every row of a list, following next_cursor. */
    static List<JsonNode> pages(String auth, String path) {
        List<JsonNode> out = new ArrayList<>();
        String next = null;
        for (int i = 0; i < 1000; i++) {
            JsonNode page = get(auth, path + (next == null ? "" : "&after=" + next)).expect(200).json();
            page.get("data").forEach(out::add);
            if (page.get("next_cursor").isNull()) return out;
            next = page.get("next_cursor").asText();
        }
        throw new AssertionError("more than 1000 pages");
    }

    static String user(String email) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + email + "\"}";
    }
}
