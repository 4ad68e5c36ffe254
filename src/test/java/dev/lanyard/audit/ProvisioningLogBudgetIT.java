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
        long budget = 200_000;
        try (var log = new ProvisioningLog(new Transactions(app.services().database().dataSource()), Duration.ofDays(30), budget,
                new SimpleMeterRegistry())) {
            log.record(entry(quiet, Instant.now().minusSeconds(3600), 0));
            Instant start = Instant.now().minusSeconds(600);
            for (int i = 0; i < 200; i++) {  // 200 entries of ~8 KB: about 1.6 MB, eight times the budget
                log.record(entry(flooder, start.plusMillis(i), i));
                if (i % 100 == 99) log.flush(Duration.ofSeconds(30));
            }
            log.flush(Duration.ofSeconds(30));
        }
        long used = app.count("select bytes from provisioning_log_usage where org_id = ?", flooder);
        assertThat(used).isLessThanOrEqualTo(budget);
        assertThat(used).isEqualTo(app.count("select coalesce(sum(stored_bytes), 0) from provisioning_log where org_id = ?", flooder));
        // The newest are kept, the oldest went, and no more went than needed (an entry is ~8 KB).
        assertThat(used).isGreaterThan(budget - 20_000);
        assertThat(app.count("select count(*) from provisioning_log where org_id = ? and detail = 'n199'", flooder)).isEqualTo(1);
        assertThat(app.count("select count(*) from provisioning_log where org_id = ? and detail = 'n0'", flooder)).isZero();
        assertThat(app.count("select count(*) from provisioning_log where org_id = ?", quiet)).isEqualTo(1);
    }

    private static ProvisioningLogEntry entry(UUID org, Instant at, int n) {
        var body = JsonNodeFactory.instance.objectNode().put("title", "t".repeat(8000));
        return new ProvisioningLogEntry(org, at, "POST", "/scim/v2/" + org + "/Users", Optional.empty(), "okta", 400, 1,
                Optional.of("invalidValue"), Optional.of("n" + n), Optional.empty(), Optional.of(body.toString()), ProvisioningLogEntry.Subject.NONE);
    }
}
