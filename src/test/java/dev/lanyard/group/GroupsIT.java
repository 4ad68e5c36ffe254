package dev.lanyard.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * /Groups over HTTP against the real server and database: membership changes by delta in every
 * form IdPs send, uniqueness, validation that changes nothing, what the account lifecycle does to
 * memberships, and reads that must not touch the membership table.
 */
class GroupsIT {
    static final TestApp app = TestApp.start();
    TestApp.Org org;

    @BeforeEach
    void newOrg() {
        org = app.newOrg("groups-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_group_is_created_with_its_members_and_read_back_with_location_and_etag() {
        String ann = user("ann@example.com");
        String bo = user("bo@example.com");
        Http.Response created = scim("POST", "/Groups", group("Sales", ann, bo)).expect(201);
        JsonNode g = created.json();
        assertThat(created.header("Location")).isEqualTo(g.at("/meta/location").asText());
        assertThat(created.header("ETag")).isEqualTo("W/\"1\"");
        assertThat(g.at("/schemas/0").asText()).isEqualTo("urn:ietf:params:scim:schemas:core:2.0:Group");
        assertThat(g.get("displayName").asText()).isEqualTo("Sales");
        assertThat(members(g)).containsExactlyInAnyOrder(ann, bo);
        assertThat(g.at("/members/0/$ref").asText()).contains("/Users/");
        assertThat(g.at("/members/0/type").asText()).isEqualTo("User");

        JsonNode read = scim("GET", "/Groups/" + g.get("id").asText(), null).expect(200).json();
        assertThat(members(read)).containsExactlyInAnyOrder(ann, bo);
        assertThat(read.at("/meta/resourceType").asText()).isEqualTo("Group");
        Http.Response notModified = app.http().send("GET", org.scimPath() + "/Groups/" + g.get("id").asText(), null,
                Map.of("Authorization", "Bearer " + org.token(), "If-None-Match", "W/\"1\""));
        assertThat(notModified.status()).isEqualTo(304);
    }

    @Test
    void displayName_is_unique_in_any_letter_case_and_a_duplicate_changes_nothing() {
        scim("POST", "/Groups", group("Sales")).expect(201);
        JsonNode error = scim("POST", "/Groups", group("SALES")).expect(409).json();
        assertThat(error.get("scimType").asText()).isEqualTo("uniqueness");
        String other = scim("POST", "/Groups", group("Ops")).expect(201).json().get("id").asText();
        JsonNode rename = scim("PATCH", "/Groups/" + other, patch("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"sales\"}"))
                .expect(409).json();
        assertThat(rename.get("scimType").asText()).isEqualTo("uniqueness");
        assertThat(scim("GET", "/Groups?filter=displayName%20eq%20%22ops%22", null).expect(200).json().get("totalResults").asInt())
                .isEqualTo(1);
    }

    @Test
    void a_member_who_is_not_a_user_of_this_organization_refuses_the_whole_request() {
        String ann = user("ann@example.com");
        TestApp.Org other = app.newOrg("groups-other-" + UUID.randomUUID());
        String stranger = app.scim(other, "test", "POST", "/Users", userBody("x@example.com")).expect(201).json().get("id").asText();
        String id = scim("POST", "/Groups", group("Sales", ann)).expect(201).json().get("id").asText();

        JsonNode error = scim("PATCH", "/Groups/" + id, patch("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\""
                + user("bo@example.com") + "\"},{\"value\":\"" + stranger + "\"}]}")).expect(400).json();
        assertThat(error.get("scimType").asText()).isEqualTo("invalidValue");
        assertThat(error.get("detail").asText()).contains(stranger);
        assertThat(members(get(id))).containsExactly(ann);  // bo was not added either: all or nothing
        assertThat(get(id).at("/meta/version").asText()).isEqualTo("W/\"1\"");

        assertThat(scim("POST", "/Groups", group("Ops", "not-a-uuid")).expect(400).json().get("scimType").asText())
                .isEqualTo("invalidValue");
        assertThat(scim("POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"N\","
                + "\"members\":[{\"value\":\"" + id + "\",\"type\":\"Group\"}]}").expect(400).json().get("detail").asText())
                .contains("nested");
        assertThat(app.count("select count(*) from org_groups where org_id = ?", UUID.fromString(org.id()))).isEqualTo(1);
    }

    @Test
    void every_patch_form_the_idps_send_changes_only_the_members_it_names() {
        String a = user("a@example.com"), b = user("b@example.com"), c = user("c@example.com"), d = user("d@example.com");
        String id = scim("POST", "/Groups", group("Eng", a, b)).expect(201).json().get("id").asText();

        // Okta / Entra add; a is already there: a no-op for a, not an error
        Http.Response added = scim("PATCH", "/Groups/" + id, patch(add(a, c)));
        assertThat(added.status()).isEqualTo(204);
        assertThat(added.header("ETag")).isEqualTo("W/\"2\"");
        assertThat(members(get(id))).containsExactlyInAnyOrder(a, b, c);

        // Okta remove by filter; removing d (not a member) is a no-op
        scim("PATCH", "/Groups/" + id, patch("{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + b + "\\\"]\"}")).expect(204);
        scim("PATCH", "/Groups/" + id, patch("{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + d + "\\\"]\"}")).expect(204);
        assertThat(members(get(id))).containsExactlyInAnyOrder(a, c);

        // Entra / authentik: path "members" with a value removes only those, never the whole group
        scim("PATCH", "/Groups/" + id, patch("{\"op\":\"Remove\",\"path\":\"members\",\"value\":[{\"value\":\"" + c + "\"}]}"))
                .expect(204);
        assertThat(members(get(id))).containsExactly(a);

        // Okta's rename, sent with every push: members untouched; the same name again is no change at all
        String version = get(id).at("/meta/version").asText();
        scim("PATCH", "/Groups/" + id, patch("{\"op\":\"replace\",\"value\":{\"id\":\"" + id + "\",\"displayName\":\"Eng\"}}"))
                .expect(204);
        assertThat(get(id).at("/meta/version").asText()).isEqualTo(version);
        scim("PATCH", "/Groups/" + id, patch("{\"op\":\"replace\",\"value\":{\"id\":\"" + id + "\",\"displayName\":\"Engineering\"}}"))
                .expect(204);
        JsonNode renamed = get(id);
        assertThat(renamed.get("displayName").asText()).isEqualTo("Engineering");
        assertThat(members(renamed)).containsExactly(a);

        // Okta full push: members become exactly these, by delta
        scim("PATCH", "/Groups/" + id, patch("{\"op\":\"replace\",\"path\":\"members\",\"value\":[{\"value\":\"" + b
                + "\"},{\"value\":\"" + d + "\"}]}")).expect(204);
        assertThat(members(get(id))).containsExactlyInAnyOrder(b, d);
        assertThat(app.count("select member_count from org_groups where id = ?", UUID.fromString(id))).isEqualTo(2);

        // with attributes, PATCH answers 200 and the projected group
        JsonNode body = scim("PATCH", "/Groups/" + id + "?attributes=displayName", patch(add(a))).expect(200).json();
        assertThat(body.get("displayName").asText()).isEqualTo("Engineering");
        assertThat(body.has("members")).isFalse();

        // history: one row per member change
        assertThat(app.count("select count(*) from group_events where group_id = ? and kind = 'member_added'", UUID.fromString(id)))
                .isEqualTo(2 + 1 + 2 + 1);
        assertThat(app.count("select count(*) from group_events where group_id = ? and kind = 'member_removed'", UUID.fromString(id)))
                .isEqualTo(1 + 1 + 1);
    }

    @Test
    void bad_patches_are_refused_and_change_nothing() {
        String a = user("a@example.com");
        String id = scim("POST", "/Groups", group("Eng", a)).expect(201).json().get("id").asText();
        assertThat(error("PATCH", "/Groups/" + id, patch("{\"op\":\"remove\",\"path\":\"displayName\"}"))).isEqualTo("mutability");
        assertThat(error("PATCH", "/Groups/" + id, patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"x\"}"))).isEqualTo("invalidPath");
        assertThat(error("PATCH", "/Groups/" + id, patch("{\"op\":\"move\",\"path\":\"members\"}"))).isEqualTo("invalidSyntax");
        assertThat(error("PATCH", "/Groups/" + id, patch("{\"op\":\"replace\",\"value\":{\"id\":\"" + UUID.randomUUID() + "\"}}")))
                .isEqualTo("mutability");
        // the first operation is valid, the second is not: neither applies
        assertThat(error("PATCH", "/Groups/" + id, patch(
                "{\"op\":\"remove\",\"path\":\"members[value eq \\\"" + a + "\\\"]\"},{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\""
                        + UUID.randomUUID() + "\"}]}"))).isEqualTo("invalidValue");
        assertThat(members(get(id))).containsExactly(a);
        assertThat(scim("PATCH", "/Groups/" + UUID.randomUUID(), patch(add(a))).status()).isEqualTo(404);
    }

    @Test
    void put_replaces_name_and_members_and_honours_if_match() {
        String a = user("a@example.com"), b = user("b@example.com");
        String id = scim("POST", "/Groups", group("Eng", a)).expect(201).json().get("id").asText();
        Http.Response stale = app.http().send("PUT", org.scimPath() + "/Groups/" + id, group("Eng2", b),
                Map.of("Authorization", "Bearer " + org.token(), "Content-Type", "application/scim+json", "If-Match", "W/\"7\""));
        assertThat(stale.status()).isEqualTo(412);
        JsonNode put = scim("PUT", "/Groups/" + id, group("Eng2", b)).expect(200).json();
        assertThat(put.get("displayName").asText()).isEqualTo("Eng2");
        assertThat(members(put)).containsExactly(b);
        scim("DELETE", "/Groups/" + id, null).expect(204);
        scim("GET", "/Groups/" + id, null).expect(404);
        assertThat(app.count("select count(*) from group_members where group_id = ?", UUID.fromString(id))).isZero();
    }

    @Test
    void deleting_a_user_removes_it_from_its_groups_while_deactivation_and_a_username_change_keep_it() {
        String a = user("a@example.com"), b = user("b@example.com"), c = user("c@example.com");
        String id = scim("POST", "/Groups", group("Eng", a, b, c)).expect(201).json().get("id").asText();

        scim("PATCH", "/Users/" + a, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}").expect(200);
        scim("PATCH", "/Users/" + b, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"b.new@example.com\"}]}").expect(200);
        String versionBefore = get(id).at("/meta/version").asText();
        scim("DELETE", "/Users/" + c, null).expect(204);

        JsonNode g = get(id);
        assertThat(members(g)).containsExactlyInAnyOrder(a, b);
        assertThat(g.at("/meta/version").asText()).isNotEqualTo(versionBefore);
        assertThat(app.count("select member_count from org_groups where id = ?", UUID.fromString(id))).isEqualTo(2);
        assertThat(app.count("select count(*) from group_events where group_id = ? and kind = 'member_removed' and actor = 'system'",
                UUID.fromString(id))).isEqualTo(1);
        // the deleted user's account can now be deleted by hand: nothing refers to it any more
        assertThat(app.count("select count(*) from group_members m where not exists (select 1 from managed_accounts a "
                + "where a.scim_id = m.member_id)")).isZero();
        // a page of Users carries each one's groups (one query for the page); a User in no group has no groups
        JsonNode users = scim("GET", "/Users?sortBy=userName", null).expect(200).json();
        assertThat(users.at("/Resources/0/userName").asText()).isEqualTo("a@example.com");
        assertThat(users.at("/Resources/0/groups/0/value").asText()).isEqualTo(id);
        assertThat(users.at("/Resources/0/groups/0/$ref").asText()).endsWith("/Groups/" + id);
        assertThat(users.at("/Resources/0/groups/0/type").asText()).isEqualTo("direct");
        assertThat(users.get("Resources")).hasSize(2);  // c was deleted by the IdP
        assertThat(users.at("/Resources/1/groups/0/display").asText()).isEqualTo("Eng");
        String d = user("d@example.com");
        JsonNode none = scim("GET", "/Users?filter=userName%20eq%20%22d@example.com%22", null).expect(200).json();
        assertThat(none.at("/Resources/0/id").asText()).isEqualTo(d);
        assertThat(none.at("/Resources/0").has("groups")).isFalse();
        // b's successor account holds the same SCIM id, so it is still the member and lists the group
        JsonNode bUser = scim("GET", "/Users/" + b, null).expect(200).json();
        assertThat(bUser.get("userName").asText()).isEqualTo("b.new@example.com");
        assertThat(bUser.at("/groups/0/value").asText()).isEqualTo(id);
        assertThat(bUser.at("/groups/0/display").asText()).isEqualTo("Eng");
    }

    @Test
    void an_account_deleted_by_hand_while_the_idp_still_holds_it_leaves_its_groups() {
        String a = user("a@example.com"), b = user("b@example.com");
        String id = scim("POST", "/Groups", group("Eng", a, b)).expect(201).json().get("id").asText();
        scim("PATCH", "/Users/" + a, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}").expect(200);
        JsonNode accounts = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/accounts?status=deactivated",
                app.operatorToken(), (String) null).expect(200).json();
        String accountId = accounts.at("/accounts/0/id").asText();
        app.http().send("DELETE", "/admin/api/orgs/" + org.id() + "/accounts/" + accountId, app.operatorToken(), (String) null)
                .expect(204);

        assertThat(members(get(id))).containsExactly(b);
        assertThat(app.count("select member_count from org_groups where id = ?", UUID.fromString(id))).isEqualTo(1);
        assertThat(app.count("select count(*) from group_members where member_id = ?", UUID.fromString(a))).isZero();
    }

    @Test
    void another_organizations_token_cannot_see_or_change_a_group() {
        String id = scim("POST", "/Groups", group("Mine")).expect(201).json().get("id").asText();
        TestApp.Org other = app.newOrg("groups-intruder-" + UUID.randomUUID());
        assertThat(app.scim(other, "test", "GET", "/Groups/" + id, null).status()).isEqualTo(404);
        assertThat(app.scim(other, "test", "DELETE", "/Groups/" + id, null).status()).isEqualTo(404);
        assertThat(app.scim(other, "test", "GET", "/Groups", null).json().get("totalResults").asInt()).isZero();
        assertThat(app.http().send("GET", other.scimPath() + "/Groups/" + id, null,
                Map.of("Authorization", "Bearer " + org.token())).status()).isEqualTo(401);
        assertThat(get(id).get("displayName").asText()).isEqualTo("Mine");
    }

    @Test
    void two_patches_adding_different_members_at_the_same_time_both_land() throws Exception {
        String id = scim("POST", "/Groups", group("Race")).expect(201).json().get("id").asText();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) users.add(user("race" + i + "@example.com"));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (String u : users) {
                results.add(pool.submit(() -> {
                    start.await();
                    return scim("PATCH", "/Groups/" + id, patch(add(u))).status();
                }));
            }
            start.countDown();
            for (Future<Integer> r : results) assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(204);
        }
        assertThat(members(get(id))).containsExactlyInAnyOrderElementsOf(users);
        assertThat(app.count("select member_count from org_groups where id = ?", UUID.fromString(id))).isEqualTo(20);
        assertThat(get(id).at("/meta/version").asText()).isEqualTo("W/\"21\"");
    }

    @Test
    void users_who_share_groups_deleted_by_the_idp_at_the_same_time_all_leave_them() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) users.add(user("gone" + i + "@example.com"));
        // Deleting every user at once is exactly what the deprovisioning safeguard holds (docs/safeguard.md);
        // this test is about group membership under concurrent deletes, so the organization turns it off.
        app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), "{\"enabled\":false}").expect(200);
        List<String> groups = new ArrayList<>();
        for (String name : List.of("G1", "G2", "G3")) groups.add(scim("POST", "/Groups", group(name, users.toArray(String[]::new)))
                .expect(201).json().get("id").asText());
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (String u : users) {
                results.add(pool.submit(() -> {
                    start.await();
                    return scim("DELETE", "/Users/" + u, null).status();
                }));
            }
            start.countDown();
            for (Future<Integer> r : results) assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(204);
        }
        for (String g : groups) {
            assertThat(members(get(g))).isEmpty();
            assertThat(app.count("select member_count from org_groups where id = ?", UUID.fromString(g))).isZero();
        }
    }

    /**
     * The proof that a read leaves the membership table alone: while a test transaction holds an
     * ACCESS EXCLUSIVE lock on group_members, any statement that reads it waits. The reads that
     * must not touch it answer at once; one that returns members waits until the lock goes.
     */
    @Test
    void excludedAttributes_members_and_attributes_displayName_do_not_read_the_membership_table() throws Exception {
        String a = user("a@example.com");
        String id = scim("POST", "/Groups", group("Locked", a)).expect(201).json().get("id").asText();
        try (Connection lock = app.services().database().dataSource().getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table group_members in access exclusive mode");
            for (String path : List.of("/Groups/" + id + "?excludedAttributes=members", "/Groups/" + id + "?attributes=displayName",
                    "/Groups?excludedAttributes=members", "/Groups?filter=displayName%20eq%20%22Locked%22&attributes=displayName",
                    "/Users/" + a + "?attributes=userName", "/Users?excludedAttributes=groups")) {
                JsonNode body = CompletableFuture.supplyAsync(() -> scim("GET", path, null).expect(200).json())
                        .get(10, TimeUnit.SECONDS);
                assertThat(body.toString()).doesNotContain("\"members\"");
            }
            CompletableFuture<Http.Response> withMembers = CompletableFuture.supplyAsync(() -> scim("GET", "/Groups/" + id, null));
            assertThatThrownBy(() -> withMembers.get(1500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            lock.rollback();
            assertThat(members(withMembers.get(10, TimeUnit.SECONDS).json())).containsExactly(a);
        }
    }

    /**
     * Issue 8: a group PATCH computes its change (parse, member filters to SQL, the Users named
     * checked) before it takes the group's row lock, and holds that lock for the apply alone. While a
     * test transaction holds group A's row: a PATCH of A that cannot apply is refused at once instead
     * of waiting for the lock; a good one waits, and meanwhile group B of the same organization (adding
     * the very same user) and another organization's group are read and changed without waiting.
     */
    @Test
    void a_patch_waiting_for_its_group_holds_up_no_other_group_or_organization_and_a_bad_one_does_not_wait() throws Exception {
        String u = user("u@example.com");
        String groupA = scim("POST", "/Groups", group("A")).expect(201).json().get("id").asText();
        String groupB = scim("POST", "/Groups", group("B")).expect(201).json().get("id").asText();
        TestApp.Org other = app.newOrg("groups-other-" + UUID.randomUUID());
        Map<String, String> otherAuth = Map.of("Authorization", "Bearer " + other.token(), "Content-Type", "application/scim+json");
        String otherUser = app.http().send("POST", other.scimPath() + "/Users", userBody("o@example.com"), otherAuth)
                .expect(201).json().get("id").asText();
        String otherGroup = app.http().send("POST", other.scimPath() + "/Groups", group("C"), otherAuth)
                .expect(201).json().get("id").asText();
        try (Connection holder = app.services().database().dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var ps = holder.prepareStatement("select 1 from org_groups where id = ?::uuid for update")) {
                ps.setString(1, groupA);
                ps.executeQuery();
            }
            long t = System.nanoTime();
            Http.Response bad = scim("PATCH", "/Groups/" + groupA, patch("{\"op\":\"remove\",\"path\":\"members[display eq \\\"x\\\"]\"}"));
            long badMillis = (System.nanoTime() - t) / 1_000_000;
            assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
            assertThat(badMillis).as("a PATCH that cannot apply does not wait for the lock (3 s)").isLessThan(1500);

            CompletableFuture<Http.Response> waiting = CompletableFuture.supplyAsync(() -> scim("PATCH", "/Groups/" + groupA, patch(add(u))));
            Thread.sleep(200);  // it is now waiting on A's row, holding u for key share
            t = System.nanoTime();
            scim("PATCH", "/Groups/" + groupB, patch(add(u))).expect(204);
            assertThat(members(get(groupB))).containsExactly(u);
            app.http().send("PATCH", other.scimPath() + "/Groups/" + otherGroup, patch(add(otherUser)), otherAuth).expect(204);
            app.http().send("GET", other.scimPath() + "/Groups/" + otherGroup, null, otherAuth).expect(200);
            long othersMillis = (System.nanoTime() - t) / 1_000_000;
            assertThat(othersMillis).as("other groups and organizations while A is locked").isLessThan(1500);
            assertThat(waiting.isDone()).as("the PATCH of A waits for A's lock").isFalse();
            holder.rollback();
            assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }
        assertThat(members(get(groupA))).containsExactly(u);
    }

    @Test
    void lists_filter_sort_page_by_index_and_by_cursor() {
        String a = user("a@example.com");
        List<String> names = List.of("delta", "Alpha", "charlie", "Bravo", "echo");
        for (String n : names) scim("POST", "/Groups", n.equals("charlie") ? group(n, a) : group(n)).expect(201);

        JsonNode sorted = scim("GET", "/Groups?sortBy=displayName&count=2&startIndex=2&excludedAttributes=members", null).expect(200).json();
        assertThat(sorted.get("totalResults").asInt()).isEqualTo(5);
        assertThat(sorted.get("itemsPerPage").asInt()).isEqualTo(2);
        assertThat(sorted.at("/Resources/0/displayName").asText()).isEqualTo("Bravo");
        assertThat(sorted.at("/Resources/1/displayName").asText()).isEqualTo("charlie");

        JsonNode byMember = scim("GET", "/Groups?filter=members%5Bvalue%20eq%20%22" + a + "%22%5D", null).expect(200).json();
        assertThat(byMember.get("totalResults").asInt()).isEqualTo(1);
        assertThat(byMember.at("/Resources/0/displayName").asText()).isEqualTo("charlie");
        assertThat(members(byMember.at("/Resources/0"))).containsExactly(a);
        assertThat(scim("GET", "/Groups?filter=displayName%20sw%20%22e%22", null).expect(200).json().get("totalResults").asInt())
                .isEqualTo(1);
        assertThat(scim("GET", "/Groups?filter=userName%20eq%20%22x%22", null).expect(400).json().get("scimType").asText())
                .isEqualTo("invalidFilter");

        List<String> seen = new ArrayList<>();
        String cursor = "";
        for (int page = 0; page < 10; page++) {
            JsonNode p = scim("GET", "/Groups?sortBy=displayName&sortOrder=descending&count=2&cursor=" + cursor, null).expect(200).json();
            p.get("Resources").forEach(r -> seen.add(r.get("displayName").asText()));
            if (!p.has("nextCursor")) break;
            cursor = p.get("nextCursor").asText();
        }
        assertThat(seen).containsExactly("echo", "delta", "charlie", "Bravo", "Alpha");

        JsonNode search = scim("POST", "/Groups/.search", "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"],"
                + "\"filter\":\"displayName eq \\\"ALPHA\\\"\",\"attributes\":[\"displayName\"]}").expect(200).json();
        assertThat(search.get("totalResults").asInt()).isEqualTo(1);
        assertThat(search.at("/Resources/0").has("meta")).isFalse();
    }

    @Test
    void discovery_offers_groups() {
        JsonNode types = scim("GET", "/ResourceTypes", null).expect(200).json();
        assertThat(types.get("totalResults").asInt()).isEqualTo(2);
        assertThat(scim("GET", "/ResourceTypes/Group", null).expect(200).json().get("endpoint").asText()).isEqualTo("/Groups");
        JsonNode schema = scim("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group", null).expect(200).json();
        assertThat(schema.toString()).contains("\"members\"").contains("\"uniqueness\":\"server\"");
    }

    @Test
    void bulk_creates_users_and_a_group_that_refers_to_them_by_bulkId() {
        String body = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"],\"Operations\":["
                + "{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"u1\",\"data\":" + userBody("bulk@example.com") + "},"
                + "{\"method\":\"POST\",\"path\":\"/Groups\",\"bulkId\":\"g1\",\"data\":{\"displayName\":\"Bulk\",\"members\":[{\"value\":\"bulkId:u1\"}]}},"
                + "{\"method\":\"PATCH\",\"path\":\"/Groups/bulkId:g1\",\"data\":" + patch("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Bulk2\"}") + "}]}";
        JsonNode results = scim("POST", "/Bulk", body).expect(200).json().get("Operations");
        assertThat(results.get(1).get("status").asText()).isEqualTo("201");
        assertThat(results.get(1).get("location").asText()).contains("/Groups/");
        assertThat(results.get(2).get("status").asText()).isEqualTo("200");
        assertThat(results.get(2).get("version").asText()).isEqualTo("W/\"2\"");
        JsonNode g = scim("GET", "/Groups?filter=displayName%20eq%20%22Bulk2%22", null).expect(200).json().at("/Resources/0");
        assertThat(members(g)).hasSize(1);
    }

    // --- helpers

    private Http.Response scim(String method, String path, String body) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Authorization", "Bearer " + org.token()));
        if (body != null) headers.put("Content-Type", "application/scim+json");
        return app.http().send(method, org.scimPath() + path, body, headers);
    }

    private String error(String method, String path, String body) {
        Http.Response r = scim(method, path, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        return r.json().get("scimType").asText();
    }

    private JsonNode get(String id) {
        return scim("GET", "/Groups/" + id, null).expect(200).json();
    }

    private String user(String email) {
        return scim("POST", "/Users", userBody(email)).expect(201).json().get("id").asText();
    }

    static String userBody(String email) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + email + "\",\"active\":true}";
    }

    static String group(String name, String... members) {
        StringBuilder m = new StringBuilder();
        for (String id : members) m.append(m.isEmpty() ? "" : ",").append("{\"value\":\"").append(id).append("\"}");
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"" + name + "\",\"members\":[" + m + "]}";
    }

    static String patch(String operations) {
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + operations + "]}";
    }

    static String add(String... ids) {
        StringBuilder m = new StringBuilder();
        for (String id : ids) m.append(m.isEmpty() ? "" : ",").append("{\"value\":\"").append(id).append("\"}");
        return "{\"op\":\"add\",\"path\":\"members\",\"value\":[" + m + "]}";
    }

    static List<String> members(JsonNode group) {
        List<String> out = new ArrayList<>();
        group.path("members").forEach(m -> out.add(m.get("value").asText()));
        return out;
    }
}
