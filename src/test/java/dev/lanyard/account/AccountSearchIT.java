package dev.lanyard.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * account_search (V114) holds each account's searched values (lower-cased email and display
 * name, the email values) outside managed_accounts, so a change that touches none of them writes
 * no GIN index. Its triggers must keep it equal to what it is computed from after any write, and
 * the SCIM filters that search it must see every change at once.
 */
class AccountSearchIT {
    static final TestApp app = TestApp.start();
    static final TestApp.Org org = app.newOrg("search");

    /** Rows of the organizations whose account_search row is missing, left over or not what its account gives. */
    private static final String MISMATCHES = """
            select count(*) from managed_accounts a full join account_search s on s.account_id = a.id
             where coalesce(a.org_id, s.org_id) = any(?::uuid[])
               and (a.id is null or s.account_id is null or s.org_id <> a.org_id or s.email <> lower(a.email)
                    or s.display_name is distinct from lower(a.display_name)
                    or s.email_values is distinct from scim_email_values(a.attributes))""";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_search_row_follows_every_write_of_an_account() {
        // Seeded: a failure names the seed, and the same seed replays the same writes.
        long seed = 20261204L;
        Random random = new Random(seed);
        String first = app.newOrg("search-a").id(), second = app.newOrg("search-b").id();
        String[] orgs = {first, second};
        List<String> ids = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int what = ids.isEmpty() ? 0 : random.nextInt(8);
            String id = ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
            switch (what) {
                case 0, 1 -> {
                    String created = UUID.randomUUID().toString();
                    app.execute("""
                            insert into managed_accounts (id, org_id, email, status, scim_id, display_name, attributes)
                            values (?::uuid, ?::uuid, ?, 'active', ?::uuid, ?, ?::jsonb)""",
                            created, orgs[random.nextInt(2)], "U" + step + "@Example.COM",
                            random.nextBoolean() ? UUID.randomUUID().toString() : null, name(random), emails(random));
                    ids.add(created);
                }
                case 2 -> app.execute("update managed_accounts set email = ? where id = ?::uuid", "Renamed" + step + "@Example.com", id);
                case 3 -> app.execute("update managed_accounts set display_name = ? where id = ?::uuid", name(random), id);
                case 4 -> app.execute("update managed_accounts set attributes = ?::jsonb where id = ?::uuid", emails(random), id);
                case 5 -> app.execute("update managed_accounts set attributes = attributes || '{\"title\":\"x\"}'::jsonb, "
                        + "status = case when status = 'active' then 'deactivated' else 'active' end, updated_at = now() where id = ?::uuid", id);
                case 6 -> app.execute("update managed_accounts set email = ?, display_name = ?, attributes = ?::jsonb where id = ?::uuid",
                        "Both" + step + "@x.test", name(random), emails(random), id);
                default -> {
                    app.execute("delete from managed_accounts where id = ?::uuid", id);
                    ids.remove(id);
                }
            }
            assertThat(app.count(MISMATCHES, (Object) new String[] {first, second})).as("seed %d, step %d", seed, step).isZero();
        }
        assertThat(app.count("select count(*) from account_search where org_id = any(?::uuid[])", (Object) orgs)).isEqualTo(ids.size());

        // An organization deleted by hand (V113) takes its accounts, and so their search rows.
        app.execute("delete from organizations where id = ?::uuid", first);
        assertThat(app.count("select count(*) from account_search where org_id = ?::uuid", first)).isZero();
        assertThat(app.count(MISMATCHES, (Object) new String[] {first, second})).isZero();
    }

    @Test
    void a_deactivation_writes_no_search_row_and_a_rename_is_found_at_once() {
        String id = scim("POST", "/Users", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Quinn.Rename@Example.com",
                 "displayName":"Quinn Original","emails":[{"value":"Quinn.Work@Example.com","type":"work","primary":true}],"active":true}""")
                .expect(201).json().get("id").asText();
        String version = searchRowVersion(id);
        assertThat(found("userName sw \"quinn.ren\"")).containsExactly(id);
        assertThat(found("emails.value eq \"quinn.work@example.com\"")).containsExactly(id);

        // Okta's deactivation: no searched value changes, so the search row is not written.
        scim("PATCH", "/Users/" + id, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""")
                .expect(200);
        assertThat(searchRowVersion(id)).isEqualTo(version);
        scim("PATCH", "/Users/" + id, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Chief"}]}""")
                .expect(200);
        assertThat(searchRowVersion(id)).isEqualTo(version);

        // A new display name and email values are searched at once; the old ones no longer match.
        scim("PATCH", "/Users/" + id, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"replace","path":"displayName","value":"Quinn Renamed"},
                 {"op":"replace","path":"emails[type eq \\"work\\"].value","value":"Q.New@Example.com"}]}""")
                .expect(200);
        assertThat(searchRowVersion(id)).isNotEqualTo(version);
        assertThat(found("displayName co \"renamed\"")).containsExactly(id);
        assertThat(found("displayName co \"original\"")).isEmpty();
        assertThat(found("emails.value eq \"Q.NEW@example.com\"")).containsExactly(id);
        assertThat(found("emails.value eq \"quinn.work@example.com\"")).isEmpty();
        assertThat(found("not (displayName co \"renamed\") and userName ew \"rename@example.com\"")).isEmpty();
        assertThat(found("displayName co \"nobody\" or userName ew \"rename@example.com\"")).containsExactly(id);

        // A new userName (PUT: a successor account, docs/architecture.md) likewise; after DELETE
        // (the account is kept, disabled and unlinked) no filter finds it.
        scim("PUT", "/Users/" + id, """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"quinn.moved@example.org","active":false}""")
                .expect(200);
        assertThat(found("userName ew \"@example.org\"")).containsExactly(id);
        assertThat(found("userName sw \"quinn.ren\"")).isEmpty();
        assertThat(found("displayName pr")).isEmpty();
        scim("DELETE", "/Users/" + id, null).expect(204);
        assertThat(found("userName ew \"@example.org\"")).isEmpty();
        assertThat(found("emails.value eq \"Q.NEW@example.com\"")).isEmpty();
        assertThat(app.count(MISMATCHES, (Object) new String[] {org.id()})).isZero();
    }

    /** The search row's version (xmin): it changes when, and only when, the row is written. */
    private static String searchRowVersion(String scimId) {
        return app.queryString("select s.xmin::text from account_search s join managed_accounts a on a.id = s.account_id "
                + "where a.scim_id = ?::uuid", scimId);
    }

    private static List<String> found(String filter) {
        JsonNode page = scim("GET", "/Users?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20"), null)
                .expect(200).json();
        List<String> ids = new ArrayList<>();
        page.path("Resources").forEach(r -> ids.add(r.get("id").asText()));
        assertThat(page.get("totalResults").asInt()).as(filter).isEqualTo(ids.size());
        return ids;
    }

    private static String name(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> "Person " + random.nextInt(1000);
            default -> "ÉLODIE Ärger " + random.nextInt(100);
        };
    }

    /** An attributes document: emails as an array (of 0-3, some without a value), an object, or absent. */
    private static String emails(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "{}";
            case 1 -> "{\"emails\":{\"value\":\"not-an-array@x.test\"}}";
            default -> {
                StringBuilder list = new StringBuilder();
                for (int i = random.nextInt(4); i > 0; i--) {
                    if (!list.isEmpty()) list.append(',');
                    list.append(random.nextInt(5) == 0 ? "{\"type\":\"home\"}" : "{\"value\":\"Mail" + random.nextInt(50) + "@X.Test\"}");
                }
                yield "{\"emails\":[" + list + "]}";
            }
        };
    }

    private static Http.Response scim(String method, String path, String body) {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Bearer " + org.token()));
        if (body != null) headers.put("Content-Type", "application/scim+json");
        return app.http().send(method, org.scimPath() + path, body, headers);
    }
}
