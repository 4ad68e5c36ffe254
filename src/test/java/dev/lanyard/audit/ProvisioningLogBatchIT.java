package dev.lanyard.audit;

import dev.lanyard.domain.FailureReason;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.TestApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The writer's batches (one COPY, issue 16) store every entry as it was
 * recorded, absent values as NULL, in the order recorded (ids follow it), whatever the batch size.
 * Read back through the store the console and the admin API use.
 */
class ProvisioningLogBatchIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_batch_is_stored_entry_for_entry_in_order() throws Exception {
        UUID org = UUID.fromString(app.newOrg("log-batch").id());
        Random random = new Random(16);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(60);
        List<ProvisioningLogEntry> recorded = new ArrayList<>();
        for (int i = 0; i < 301; i++) {  // more than one batch of the writer's (at most 500 entries or 50 ms)
            recorded.add(new ProvisioningLogEntry(org, start.plusNanos(1_000L * i), i % 2 == 0 ? "POST" : "GET", "/scim/v2/" + org + "/Users",
                    random.nextBoolean() ? Optional.of("filter=userName%20eq%20%22u" + i + "%22") : Optional.empty(),
                    "okta \"quoted\" {braces}, commas", 200 + random.nextInt(300), random.nextDouble() * 100,
                    random.nextBoolean() ? Optional.of("invalidValue") : Optional.empty(),
                    // Text that COPY's text format treats specially: tab, newline, carriage return, backslash, \N, \.
                    Optional.of(i % 3 == 0 ? "n" + i + "\ttab\nline\r\\N \\. C:\\dir" : "n" + i),
                    random.nextBoolean() ? Optional.of(FailureReason.values()[random.nextInt(FailureReason.values().length)]) : Optional.empty(),
                    random.nextBoolean() ? Optional.of("{\"userName\":\"u" + i + "@example.com\",\"name\":{\"givenName\":\"Zoë\\\\\"}}") : Optional.empty(),
                    new ProvisioningLogEntry.Subject(random.nextBoolean() ? Optional.of(UUID.randomUUID()) : Optional.empty(),
                            // Text that array literals treat specially: the word NULL, empty, a backslash.
                            Optional.of(switch (i % 5) { case 0 -> "NULL"; case 1 -> ""; case 2 -> "back\\slash@example.com"; case 3 -> "\\N";
                                default -> "u" + i + "@example.com"; }),
                            random.nextBoolean() ? Optional.of(UUID.randomUUID()) : Optional.empty())));
        }
        var tx = new Transactions(app.services().database().dataSource());
        try (var log = new ProvisioningLog(tx, Duration.ofDays(30), 1L << 40, new SimpleMeterRegistry())) {
            recorded.forEach(log::record);
            log.flush(Duration.ofSeconds(30));
        }

        var store = new ProvisioningLogStore();
        List<ProvisioningLogStore.Row> rows = tx.read(c -> {
            List<ProvisioningLogStore.Row> all = new ArrayList<>();
            for (long id : Sql.list(c, "select id from provisioning_log where org_id = ? order by id", rs -> rs.getLong(1), org)) {
                all.add(store.find(c, org, id).orElseThrow());
            }
            return all;
        });
        assertThat(rows).hasSize(recorded.size());
        for (int i = 0; i < rows.size(); i++) {
            ProvisioningLogEntry stored = rows.get(i).entry(), sent = recorded.get(i);
            assertThat(stored).usingRecursiveComparison().ignoringFields("requestBodyJson", "durationMs").isEqualTo(sent);
            assertThat(stored.durationMs()).isCloseTo(sent.durationMs(), within(0.001));  // a real column
            assertThat(stored.requestBody()).isEqualTo(sent.requestBody());  // jsonb keeps the value, not the spacing
            if (i > 0) assertThat(rows.get(i).id()).isGreaterThan(rows.get(i - 1).id());
        }
        assertThat(app.count("select bytes from provisioning_log_usage where org_id = ?", org))
                .isEqualTo(recorded.stream().mapToLong(ProvisioningLogEntry::approxBytes).sum());
    }
}
