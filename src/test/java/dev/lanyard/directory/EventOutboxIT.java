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

    static List<DirectoryEvent> all(UUID org) {
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
}
