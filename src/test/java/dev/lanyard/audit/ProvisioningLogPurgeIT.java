package dev.lanyard.audit;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention purge goes organization by organization through provisioning_log_org_at (V116):
 * it deletes exactly the entries older than the cutoff, of every organization, over as many
 * batches as it takes, keeps each organization's byte count equal to what it still stores, and
 * needs no index on {@code at} alone, which every request's row would pay for.
 */
class ProvisioningLogPurgeIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_purge_deletes_every_organizations_old_entries_in_batches_and_keeps_the_byte_counts() {
        TestApp.Org many = app.newOrg("purge-many-" + java.util.UUID.randomUUID());
        TestApp.Org few = app.newOrg("purge-few-" + java.util.UUID.randomUUID());
        TestApp.Org none = app.newOrg("purge-none-" + java.util.UUID.randomUUID());
        // Far older than anything another test writes, so the cutoff below touches only these.
        entries(many, 23, "400 days", 100);
        entries(many, 5, "1 hour", 70);
        entries(few, 4, "500 days", 30);
        entries(few, 2, "2 days", 11);
        entries(none, 3, "1 minute", 50);

        int deleted = app.services().provisioningLog().purgeOlderThan(Instant.now().minus(Duration.ofDays(300)), 5);

        assertThat(deleted).isGreaterThanOrEqualTo(27);
        assertThat(left(many)).isEqualTo(5);
        assertThat(left(few)).isEqualTo(2);
        assertThat(left(none)).isEqualTo(3);
        for (TestApp.Org org : List.of(many, few, none)) {
            assertThat(app.count("select bytes from provisioning_log_usage where org_id = ?::uuid", org.id()))
                    .as("bytes counted for %s", org.name())
                    .isEqualTo(app.count("select coalesce(sum(stored_bytes), 0) from provisioning_log where org_id = ?::uuid", org.id()));
        }
        assertThat(app.count("select bytes from provisioning_log_usage where org_id = ?::uuid", many.id())).isEqualTo(5 * 70);
    }

    @Test
    void each_organizations_old_entries_are_a_range_of_its_own_index_and_the_log_has_no_index_on_the_time_alone() {
        var plans = app.plansWithoutSeqScan(c -> new ProvisioningLogStore().purge(c, Instant.now().minus(Duration.ofDays(30)), 100));

        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).plan())
                .containsPattern("Index (Only )?Scan using provisioning_log_org_at on provisioning_log p\\s+"
                        + "\\(cost=[^)]*\\)\\s+Index Cond: \\(\\(org_id = o\\.id\\) AND \\(at < ");
        assertThat(app.queryString("select to_regclass('provisioning_log_at')::text")).isNull();
    }

    @Test
    void the_entries_an_organization_deleted_between_v112_and_v113_left_behind_are_deleted_by_v117() throws Exception {
        TestApp.Org kept = app.newOrg("purge-kept-" + java.util.UUID.randomUUID());
        entries(kept, 3, "1 minute", 40);
        // What such a server left: entries whose organization is gone (V112 had dropped the key and
        // its cascade, V113's trigger was not there yet). The purge walks organizations, so it
        // never reaches them.
        String gone = java.util.UUID.randomUUID().toString();
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms, stored_bytes) "
                + "select ?::uuid, now() - interval '900 days', 'GET', '/Users', 'okta', 200, 1, 10 from generate_series(1, 4)", gone);
        app.services().provisioningLog().purgeOlderThan(Instant.now().minus(Duration.ofDays(800)), 5);
        assertThat(app.count("select count(*) from provisioning_log where org_id = ?::uuid", gone)).isEqualTo(4);

        String v117;
        try (var in = ProvisioningLogPurgeIT.class.getResourceAsStream("/db/migration/V117__provisioning_log_orphans.sql")) {
            v117 = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        app.execute(v117);

        assertThat(app.count("select count(*) from provisioning_log where org_id = ?::uuid", gone)).isZero();
        assertThat(left(kept)).isEqualTo(3);
        assertThat(app.count("select count(*) from provisioning_log l where not exists "
                + "(select 1 from organizations o where o.id = l.org_id)")).isZero();
    }

    /** {@code n} entries of {@code bytes} stored bytes each, {@code age} ago, counted in the organization's usage as the writer counts them. */
    private static void entries(TestApp.Org org, int n, String age, int bytes) {
        app.execute("insert into provisioning_log (org_id, at, method, path, client, status, duration_ms, stored_bytes) "
                + "select ?::uuid, now() - ?::interval, 'GET', '/Users', 'okta', 200, 1, ? from generate_series(1, ?)",
                org.id(), age, bytes, n);
        app.execute("insert into provisioning_log_usage (org_id, bytes) values (?::uuid, ?) "
                + "on conflict (org_id) do update set bytes = provisioning_log_usage.bytes + excluded.bytes", org.id(), (long) n * bytes);
    }

    private static long left(TestApp.Org org) {
        return app.count("select count(*) from provisioning_log where org_id = ?::uuid", org.id());
    }
}
