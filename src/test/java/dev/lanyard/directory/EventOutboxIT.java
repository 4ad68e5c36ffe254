package dev.lanyard.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.testing.Replay;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transactional outbox (docs/events.md): every change an IdP makes writes its event in the
 * same transaction, in order, with the subject's version, and a manual deletion takes the
 * account's personal data out of its earlier events.
 */
class EventOutboxIT {
    static final TestApp app = TestApp.start();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> OKTA = Map.of("User-Agent", "Okta SCIM Client 1.0.0", "Accept", "application/scim+json");

    @AfterAll
    static void stop() {
        app.close();
    }

    /**
     * Every event of the organization, read 3 at a time, once all of them are visible: a
     * transaction of the server that began before the last change (the provisioning log's
     * writer) may hold the feed's horizon back for a moment.
     */
    static List<DirectoryEvent> all(UUID org) {
        long stored = app.count("select count(*) from directory_events where org_id = ?", org);
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<DirectoryEvent> out = read(org);
        while (out.size() < stored && System.nanoTime() < deadline) {
            sleep();
            out = read(org);
        }
        return out;
    }

    static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<DirectoryEvent> read(UUID org) {
        List<DirectoryEvent> out = new ArrayList<>();
        EventCursor cursor = EventCursor.START;
        while (true) {
            List<DirectoryEvent> page = app.services().directory().events().readAfter(org, cursor, 3);
            if (page.isEmpty()) return out;
            out.addAll(page);
            cursor = page.getLast().cursor();
        }
    }

    static JsonNode data(DirectoryEvent e) {
        try {
            return JSON.readTree(e.dataJson());
        } catch (java.io.IOException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void an_okta_replay_writes_exactly_the_expected_events_in_order() {
        TestApp.Org org = app.newOrg("events-okta-" + UUID.randomUUID());
        Map<String, String> ids = Replay.play(app, org, "/idp/okta/assign-update-deactivate.json", OKTA);
        List<DirectoryEvent> events = all(UUID.fromString(org.id()));

        Map<String, String> names = new HashMap<>(Map.of(org.id(), "org", ids.get("firstAccountId"), "A", ids.get("successorId"), "B"));
        List<String> seen = events.stream().map(e -> e.type() + " " + names.computeIfAbsent(e.subjectId().toString(), k -> "C")
                + " v" + e.subjectVersion()).toList();
        assertThat(seen).containsExactly(
                "organization.updated org v2",   // provisioning turned on
                "account.created A v1",
                "account.updated A v2",
                "account.deactivated A v3",
                "account.reactivated A v4",
                "account.invalidated A v5",
                "account.created B v5",
                "account.deactivated B v6",
                "account.deleted B v7",
                "account.deleted A v6",
                "account.created C v1");
        assertThat(events).extracting(DirectoryEvent::id).doesNotHaveDuplicates();
        assertThat(events).extracting(DirectoryEvent::cursor).isSorted();

        // The successor links both ways; the deletions took every email of A and B out of the feed.
        DirectoryEvent created = events.get(10);
        assertThat(data(created).get("email").asText()).isEqualTo("test.renamed@okta.local");
        assertThat(data(created).get("status").asText()).isEqualTo("active");
        for (DirectoryEvent e : events.subList(1, 10)) {
            assertThat(e.dataJson()).as(e.type()).doesNotContain("@okta.local").contains("\"status\": \"deleted\"");
        }
        assertThat(data(events.get(0)).get("provisioning_enabled").asBoolean()).isTrue();
    }

    @Test
    void the_successor_links_are_in_the_events_while_the_accounts_exist() {
        TestApp.Org org = app.newOrg("events-links-" + UUID.randomUUID());
        String user = app.scim(org, "test", "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"ann@example.com\",\"name\":{\"givenName\":\"Ann\",\"familyName\":\"Lee\"},\"active\":true}")
                .expect(201).json().get("id").asText();
        app.scim(org, "test", "PATCH", "/Users/" + user, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"ann.lee@example.com\"}]}").expect(200);
        List<DirectoryEvent> events = all(UUID.fromString(org.id()));
        assertThat(events).extracting(DirectoryEvent::type)
                .containsExactly("organization.updated", "account.created", "account.invalidated", "account.created");
        JsonNode first = data(events.get(1));
        JsonNode invalidated = data(events.get(2));
        JsonNode successor = data(events.get(3));
        assertThat(first.get("given_name").asText()).isEqualTo("Ann");
        assertThat(first.get("family_name").asText()).isEqualTo("Lee");
        // Deferred to the commit: the first event already shows the account as the transaction left it.
        assertThat(invalidated.get("status").asText()).isEqualTo("invalidated");
        assertThat(invalidated.get("successor_id").asText()).isEqualTo(successor.get("id").asText());
        assertThat(successor.get("predecessor_id").asText()).isEqualTo(invalidated.get("id").asText());
        assertThat(successor.get("email").asText()).isEqualTo("ann.lee@example.com");
        assertThat(events.get(2).subjectVersion()).isEqualTo(events.get(3).subjectVersion()).isEqualTo(2);
    }

    @Test
    void a_refused_change_writes_no_event() {
        TestApp.Org org = app.newOrg("events-refused-" + UUID.randomUUID());
        String body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"bo@example.com\"}";
        app.scim(org, "test", "POST", "/Users", body).expect(201);
        long before = app.count("select count(*) from directory_events where org_id = ?::uuid", org.id());
        app.scim(org, "test", "POST", "/Users", body).expect(409);
        assertThat(app.count("select count(*) from directory_events where org_id = ?::uuid", org.id())).isEqualTo(before);
    }
    @Test
    void okta_push_groups_writes_group_and_membership_events_named_by_account() {
        TestApp.Org org = app.newOrg("events-groups-" + UUID.randomUUID());
        Map<String, String> ids = Replay.play(app, org, "/idp/okta/push-groups.json", OKTA);
        List<DirectoryEvent> events = all(UUID.fromString(org.id()));
        assertThat(events).extracting(e -> e.type() + " v" + e.subjectVersion()).containsExactly(
                "organization.updated v2",
                "account.created v1", "account.created v1",
                "group.created v1",
                "group.member_added v2", "group.member_added v2",  // one transaction: each shows the group as it left it
                "group.member_removed v3",
                "group.renamed v4",
                "account.deactivated v2",
                "group.deleted v5");
        String ann = accountIdOf(events.get(1));
        String bo = accountIdOf(events.get(2));
        assertThat(List.of(data(events.get(4)).get("account_id").asText(), data(events.get(5)).get("account_id").asText()))
                .containsExactlyInAnyOrder(ann, bo);
        assertThat(data(events.get(6)).get("account_id").asText()).isEqualTo(bo);
        assertThat(data(events.get(6)).at("/group/member_count").asLong()).isEqualTo(1);
        assertThat(data(events.get(7)).get("name").asText()).isEqualTo("Engineering Team");
        assertThat(events.get(9).subjectId().toString()).isEqualTo(ids.get("groupId"));
        assertThat(data(events.get(9)).get("status").asText()).isEqualTo("deleted");
    }

    @Test
    void a_user_deleted_by_the_idp_leaves_its_groups_with_an_event_that_names_the_account() {
        TestApp.Org org = app.newOrg("events-unlink-" + UUID.randomUUID());
        String user = app.scim(org, "test", "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"cy@example.com\"}").expect(201).json().get("id").asText();
        app.scim(org, "test", "POST", "/Groups", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
                + "\"displayName\":\"Ops\",\"members\":[{\"value\":\"" + user + "\"}]}").expect(201);
        app.scim(org, "test", "DELETE", "/Users/" + user, null).expect(204);
        List<DirectoryEvent> events = all(UUID.fromString(org.id()));
        assertThat(events).extracting(DirectoryEvent::type).endsWith("group.member_removed", "account.disabled");
        assertThat(data(events.get(events.size() - 2)).get("account_id").asText()).isEqualTo(accountIdOf(events.get(1)));
    }

    /**
     * The cursor's promise (docs/events.md): transaction A writes its event first but commits
     * last; B writes later and commits first. A reader between the two commits must not hand out a
     * position past A's event, or A is lost. Ordering by seq alone would: B's event is visible
     * with a higher seq while A's is not yet.
     */
    @Test
    void a_transaction_that_wrote_first_and_commits_last_is_not_skipped() throws Exception {
        TestApp.Org org = app.newOrg("events-late-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        String x = account(org, "x@example.com");
        String y = account(org, "y@example.com");
        List<DirectoryEvent> before = all(orgId);
        EventCursor cursor = before.getLast().cursor();
        EventStore events = app.services().directory().events();
        var ds = app.services().database().dataSource();
        try (var a = ds.getConnection(); var b = ds.getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            history(a, orgId, x);
            try (var s = a.createStatement()) {
                s.execute("set constraints all immediate");  // A's event row now exists, with the lower xid and seq
            }
            history(b, orgId, y);
            b.commit();

            assertThat(events.readAfter(orgId, cursor, 100)).as("B is held back while A, older, may still commit").isEmpty();
            assertThat(app.count("select count(*) from directory_events where org_id = ? and seq > ?", orgId, cursor.seq()))
                    .as("what a seq-only cursor would have handed out: B alone, and then skipped A").isEqualTo(1);

            a.commit();
        }
        List<DirectoryEvent> after = waitForEvents(orgId, cursor, 2);
        assertThat(after).extracting(e -> e.subjectId().toString()).containsExactly(accountOfScimId(x), accountOfScimId(y));
    }

    @Test
    void a_rolled_back_change_leaves_no_event_and_holds_nobody_back() throws Exception {
        TestApp.Org org = app.newOrg("events-rollback-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        String x = account(org, "r@example.com");
        EventCursor cursor = all(orgId).getLast().cursor();
        var ds = app.services().database().dataSource();
        try (var a = ds.getConnection()) {
            a.setAutoCommit(false);
            history(a, orgId, x);
            try (var s = a.createStatement()) {
                s.execute("set constraints all immediate");
            }
            a.rollback();
        }
        account(org, "s@example.com");
        assertThat(waitForEvents(orgId, cursor, 1)).extracting(DirectoryEvent::type).containsExactly("account.created");
    }

    @Test
    void retention_deletes_old_events_in_batches_and_keeps_the_rest() {
        TestApp.Org org = app.newOrg("events-retention-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        account(org, "old@example.com");
        account(org, "new@example.com");
        List<DirectoryEvent> events = all(orgId);
        app.execute("update directory_events set occurred_at = now() - interval '31 days' where id = any(?)",
                (Object) events.subList(0, 2).stream().map(DirectoryEvent::id).toArray(UUID[]::new));
        assertThat(app.services().directory().sweepExpiredEvents()).isGreaterThanOrEqualTo(2);
        assertThat(all(orgId)).extracting(DirectoryEvent::id).containsExactly(events.get(2).id());
    }

    @Test
    void a_rename_in_place_a_deletion_by_the_idp_and_a_reattach_write_their_events() {
        TestApp.Org org = app.newOrg("events-rename-" + UUID.randomUUID());
        Map<String, String> ids = Replay.play(app, org, "/idp/okta/rename-in-place.json", OKTA);
        app.scim(org, "test", "DELETE", "/Users/" + ids.get("userId"), null).expect(204);
        app.scim(org, "test", "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"test.renamed@okta.local\"}").expect(201);
        List<DirectoryEvent> events = all(UUID.fromString(org.id()));
        assertThat(events).extracting(e -> e.type() + " v" + e.subjectVersion()).containsExactly(
                "organization.updated v2", "organization.updated v3",  // provisioning on, then the username change policy
                "account.created v1", "account.renamed v2", "account.disabled v3", "account.reattached v4");
        assertThat(events.subList(2, 6)).extracting(DirectoryEvent::subjectId).containsOnly(UUID.fromString(ids.get("accountId")));
        assertThat(data(events.get(1)).get("username_change_policy").asText()).isEqualTo("rename_in_place");
        assertThat(data(events.get(3)).get("email").asText()).isEqualTo("test.renamed@okta.local");
        assertThat(data(events.get(4)).get("status").asText()).isEqualTo("disabled");
        assertThat(data(events.get(5)).get("status").asText()).isEqualTo("active");
    }

    @Test
    void the_feed_and_the_account_lists_read_a_range_of_an_index_that_starts_with_the_organization() {
        UUID org = UUID.randomUUID();
        assertThat(app.planWithoutSeqScan("select id from directory_events where org_id = ? and (xid, seq) > ('5'::xid8, ?)"
                + " and xid < pg_snapshot_xmin(pg_current_snapshot()) order by xid, seq limit 101", List.of(org, 7L)))
                .contains("directory_events_org").doesNotContain("Sort");
        assertThat(app.planWithoutSeqScan("select a.id from managed_accounts a where a.org_id = ? and (a.updated_at, a.seq) > "
                + "('2026-12-01T00:00:00Z'::timestamptz, ?) order by a.updated_at, a.seq limit 101", List.of(org, 7L)))
                .contains("managed_accounts_directory").doesNotContain("Sort");
        assertThat(app.planWithoutSeqScan("select a.id from managed_accounts a where a.org_id = ? and a.status = ? "
                + "order by a.updated_at, a.seq limit 101", List.of(org, "disabled")))
                .contains("managed_accounts_directory_status").doesNotContain("Sort");
    }

    @Test
    void the_directory_account_pages_as_the_store_writes_them_read_an_index_range() {
        UUID org = UUID.fromString(app.newOrg("directory-plans").id());
        // enough analysed accounts that the planner weighs the indexes as at scale
        app.execute("""
                insert into managed_accounts (id, org_id, email, status, scim_id, attributes, updated_at)
                select gen_random_uuid(), ?::uuid, 'user' || n || '@plans.example', case when n % 10 = 0 then 'disabled' else 'active' end,
                       case when n % 10 <> 0 then gen_random_uuid() end, '{}'::jsonb, now() - n * interval '1 minute'
                  from generate_series(1, 3000) n""", org);
        app.execute("vacuum analyze managed_accounts");
        var store = new DirectoryStore();
        var since = java.util.Optional.of(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        var plans = app.plansWithoutSeqScan(c -> {
            store.accounts(c, org, new DirectoryService.AccountFilter(java.util.Optional.empty(), java.util.Optional.empty(), since),
                    java.util.Optional.of(new long[] {1_767_225_600_000_000L, 7}), 100);
            store.accounts(c, org, new DirectoryService.AccountFilter(java.util.Optional.of("disabled"), java.util.Optional.empty(),
                    java.util.Optional.empty()), java.util.Optional.empty(), 100);
            store.accounts(c, org, new DirectoryService.AccountFilter(java.util.Optional.empty(), java.util.Optional.of("Ann@X.example"),
                    java.util.Optional.empty()), java.util.Optional.empty(), 100);
        });
        assertThat(plans).hasSize(3).allSatisfy(p -> assertThat(p.plan()).as(p.sql()).doesNotContain("Seq Scan"));
        assertThat(plans.get(0).plan()).contains("managed_accounts_directory").doesNotContain("Sort");
        assertThat(plans.get(1).plan()).contains("managed_accounts_directory_status").doesNotContain("Sort");
        // an email names a few accounts (one linked at most): found on the browse index, then sorted
        assertThat(plans.get(2).plan().lines().filter(l -> l.contains("Index Cond")).toList()).as(plans.get(2).toString())
                .anySatisfy(l -> assertThat(l).contains("lower(email)"));
    }

    private static String account(TestApp.Org org, String email) {
        return app.scim(org, "test", "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"" + email + "\"}").expect(201).json().get("id").asText();
    }

    /** A history row for the account behind a SCIM id, as AccountService writes one (the outbox trigger does the rest). */
    private static void history(java.sql.Connection c, UUID orgId, String scimId) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("insert into account_events (org_id, account_id, kind, detail, actor, at) "
                + "select org_id, id, 'updated', '{}', 'operator', now() from managed_accounts where scim_id = ?::uuid")) {
            ps.setString(1, scimId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static String accountIdOf(DirectoryEvent e) {
        return data(e).get("id").asText();
    }

    private static String accountOfScimId(String scimId) {
        return app.queryString("select id::text from managed_accounts where scim_id = ?::uuid", scimId);
    }

    /** Another transaction of the server (the provisioning log's writer) may hold the horizon back for a moment. */
    private static List<DirectoryEvent> waitForEvents(UUID orgId, EventCursor after, int n) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<DirectoryEvent> got;
        while ((got = app.services().directory().events().readAfter(orgId, after, 100)).size() < n && System.nanoTime() < deadline) {
            sleep();
        }
        return got;
    }
}
