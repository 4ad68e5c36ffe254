package dev.lanyard.storage;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows written on every request (account and directory events, safeguard reservations, the
 * provisioning log) carry no foreign key to their organization, which cost a query and a lock on
 * the organization's row per inserted row (V112, V113). An operator who deletes an organization by
 * hand still finds them gone with it, as the keys' ON DELETE CASCADE did, and nobody else's; and
 * the delete works with linked accounts in groups, which it did not before V113.
 */
class OrganizationDeletedByHandIT {
    static final TestApp app = TestApp.start();
    static final List<String> PER_REQUEST_TABLES = List.of("account_events", "directory_events", "safeguard_reservations", "provisioning_log");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void deleting_an_organization_by_hand_deletes_its_per_request_rows_and_only_its() {
        TestApp.Org gone = app.newOrg("deleted-by-hand", true);
        TestApp.Org kept = app.newOrg("kept-beside-it", true);
        for (TestApp.Org org : List.of(gone, kept)) {
            String id = app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", "{\"userName\":\"ann@" + org.name() + ".example\"}")
                    .expect(201).json().get("id").asText();
            app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Groups",
                    "{\"displayName\":\"Sales\",\"members\":[{\"value\":\"" + id + "\"}]}").expect(201);
            app.scim(org, "Okta SCIM Client 1.0.0", "PATCH", "/Users/" + id,
                    "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}")
                    .expect(200);
            // A removal counted but not applied yet (its request still in flight).
            app.execute("insert into safeguard_reservations (org_id, minute) values (?::uuid, date_trunc('minute', now()))", org.id());
        }
        app.flushProvisioningLog();
        for (String table : PER_REQUEST_TABLES) {
            assertThat(rows(table, gone)).as(table).isPositive();
        }
        List<Long> keptBefore = PER_REQUEST_TABLES.stream().map(table -> rows(table, kept)).toList();

        app.execute("delete from organizations where id = ?::uuid", gone.id());

        for (String table : PER_REQUEST_TABLES) {
            assertThat(rows(table, gone)).as(table).isZero();
        }
        assertThat(PER_REQUEST_TABLES.stream().map(table -> rows(table, kept)).toList()).isEqualTo(keptBefore);
        // Its accounts and groups went by the keys that stay (a linked account and a group member
        // used to make the delete fail: V113).
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid", gone.id())).isZero();
        assertThat(app.count("select count(*) from org_groups where org_id = ?::uuid", gone.id())).isZero();
        assertThat(app.count("select count(*) from organizations where id = ?::uuid", kept.id())).isOne();
    }

    @Test
    void the_per_request_rows_are_not_checked_against_organizations_one_by_one() {
        assertThat(app.count("""
                select count(*) from pg_constraint
                 where contype = 'f' and confrelid = 'organizations'::regclass
                   and conrelid::regclass::text = any(?)""", (Object) PER_REQUEST_TABLES.toArray(String[]::new)))
                .isZero();
    }

    private static long rows(String table, TestApp.Org org) {
        return app.count("select count(*) from " + table + " where org_id = ?::uuid", org.id());
    }
}
