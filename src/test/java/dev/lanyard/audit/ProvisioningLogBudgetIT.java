package dev.lanyard.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.TestApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 8 item 4: each organization's provisioning log stays within its storage budget, oldest entries first. */
class ProvisioningLogBudgetIT {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_organization_over_its_budget_loses_its_oldest_entries_and_no_other_organizations() throws Exception {
        UUID flooder = UUID.fromString(app.newOrg("budget-flooder").id());
        UUID quiet = UUID.fromString(app.newOrg("budget-quiet").id());
        try (var log = budgeted()) {
            log.record(entry(quiet, Instant.now().minusSeconds(3600), 0));
            Instant start = Instant.now().minusSeconds(600);
            for (int i = 0; i < 200; i++) {  // 200 entries of ~8 KB: about 1.6 MB, eight times the budget
                log.record(entry(flooder, start.plusMillis(i), i));
                if (i % 100 == 99) log.flush(Duration.ofSeconds(30));
            }
            log.flush(Duration.ofSeconds(30));
        }
        long used = app.count("select bytes from provisioning_log_usage where org_id = ?", flooder);
        assertThat(used).isLessThanOrEqualTo(BUDGET);
        assertThat(used).isEqualTo(app.count("select coalesce(sum(stored_bytes), 0) from provisioning_log where org_id = ?", flooder));
        // The newest are kept, the oldest went, and no more went than needed (an entry is ~8 KB).
        assertThat(used).isGreaterThan(BUDGET - 20_000);
        assertThat(app.count("select count(*) from provisioning_log where org_id = ? and detail = 'n199'", flooder)).isEqualTo(1);
        assertThat(app.count("select count(*) from provisioning_log where org_id = ? and detail = 'n0'", flooder)).isZero();
        assertThat(app.count("select count(*) from provisioning_log where org_id = ?", quiet)).isEqualTo(1);
    }

    /**
     * The trim reads from where the last one ended (V119), not from the oldest end of the log's
     * index, where every entry it deleted before stays as an index entry until a vacuum: an entry
     * put before that point behind the writer's back (the writer never does: next test) is not
     * read, and the trim deletes the oldest entries after it.
     */
    @Test
    void a_trim_starts_where_the_last_one_ended() throws Exception {
        UUID org = UUID.fromString(app.newOrg("budget-cursor").id());
        Instant start = Instant.now().minusSeconds(600);
        try (var log = budgeted()) {
            for (int i = 0; i < 60; i++) log.record(entry(org, start.plusMillis(i), i));
            log.flush(Duration.ofSeconds(30));
            assertThat(keptBeforeTheTrimsEnd(org)).isZero();
            assertThat(app.count("select count(*) from provisioning_log_usage where org_id = ? and trimmed_id is not null", org)).isEqualTo(1);
            app.execute("""
                    insert into provisioning_log (org_id, at, method, path, client, status, duration_ms, detail, stored_bytes)
                    values (?::uuid, ?::timestamptz, 'GET', '/scim/v2/Users', 'okta', 200, 1, 'passed', 100)""", org.toString(), start.minusSeconds(60).toString());
            long oldestBefore = app.count("select min(substr(detail, 2)::int) from provisioning_log where org_id = ? and detail like 'n%'", org);
            for (int i = 60; i < 70; i++) log.record(entry(org, start.plusMillis(i), i));
            log.flush(Duration.ofSeconds(30));
            assertThat(app.count("select count(*) from provisioning_log where org_id = ? and detail = 'passed'", org)).isEqualTo(1);
            assertThat(app.count("select min(substr(detail, 2)::int) from provisioning_log where org_id = ? and detail like 'n%'", org))
                    .isGreaterThan(oldestBefore);
        }
    }

    /**
     * An entry whose time is not after where the last trim ended (a request's time is taken when it
     * ends, so the writer's queue is nearly, not exactly, in time order) moves that point back:
     * it is still the first to go.
     */
    @Test
    void an_entry_older_than_where_the_last_trim_ended_still_goes_first() throws Exception {
        UUID org = UUID.fromString(app.newOrg("budget-late").id());
        Instant start = Instant.now().minusSeconds(600);
        try (var log = budgeted()) {
            for (int i = 0; i < 60; i++) log.record(entry(org, start.plusMillis(i), i));
            log.flush(Duration.ofSeconds(30));
            log.record(entry(org, start.minusSeconds(60), 1000));
            log.flush(Duration.ofSeconds(30));
            assertThat(app.count("select count(*) from provisioning_log where org_id = ? and detail = 'n1000'", org)).isZero();
            assertThat(keptBeforeTheTrimsEnd(org)).isZero();
            assertThat(app.count("select bytes from provisioning_log_usage where org_id = ?", org)).isLessThanOrEqualTo(BUDGET);
        }
    }

    private static final long BUDGET = 200_000;

    private static ProvisioningLog budgeted() {
        return new ProvisioningLog(new Transactions(app.services().database().dataSource()), Duration.ofDays(30), BUDGET,
                new SimpleMeterRegistry());
    }

    /** The organization's entries at or before where its last trim ended: none, if it is right. */
    private static long keptBeforeTheTrimsEnd(UUID org) {
        return app.count("""
                select count(*) from provisioning_log p join provisioning_log_usage u on u.org_id = p.org_id
                 where p.org_id = ? and (p.at, p.id) <= (u.trimmed_at, u.trimmed_id)""", org);
    }

    private static ProvisioningLogEntry entry(UUID org, Instant at, int n) {
        var body = JsonNodeFactory.instance.objectNode().put("title", "t".repeat(8000));
        return new ProvisioningLogEntry(org, at, "POST", "/scim/v2/" + org + "/Users", Optional.empty(), "okta", 400, 1,
                Optional.of("invalidValue"), Optional.of("n" + n), Optional.empty(), Optional.of(body.toString()), ProvisioningLogEntry.Subject.NONE);
    }
}
