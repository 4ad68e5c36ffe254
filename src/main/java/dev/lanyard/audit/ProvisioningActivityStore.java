package dev.lanyard.audit;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** SQL for provisioning_activity (V10): requests and failures per organization and hour. */
final class ProvisioningActivityStore {
    /** Lock order for the upsert: two servers' writers take the same rows in the same order, so never deadlock. */
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::orgId).thenComparing(Key::hour);

    private record Key(UUID orgId, Instant hour) {}

    /** Adds a batch of log entries to their hours; runs in the transaction that inserts them into the log. */
    void add(Connection c, List<ProvisioningLogEntry> entries) throws SQLException {
        Map<Key, int[]> counts = new TreeMap<>(ORDER);
        for (ProvisioningLogEntry e : entries) {
            // Instant truncation is in UTC, whatever the session's time zone.
            int[] n = counts.computeIfAbsent(new Key(e.orgId(), e.at().truncatedTo(ChronoUnit.HOURS)), k -> new int[2]);
            n[0]++;
            if (e.failed()) n[1]++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into provisioning_activity (org_id, hour, requests, failures) values (?, ?, ?, ?)
                on conflict (org_id, hour) do update set requests = provisioning_activity.requests + excluded.requests,
                                                         failures = provisioning_activity.failures + excluded.failures""")) {
            for (var count : counts.entrySet()) {
                Sql.bind(ps, 1, count.getKey().orgId());
                Sql.bind(ps, 2, count.getKey().hour());
                Sql.bind(ps, 3, count.getValue()[0]);
                Sql.bind(ps, 4, count.getValue()[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The organization's hours from {@code since} on, oldest first: at most 24 a day, whatever the traffic. */
    List<ProvisioningActivity.Hour> hours(Connection c, UUID orgId, Instant since) throws SQLException {
        return Sql.list(c, "select hour, requests, failures from provisioning_activity where org_id = ? and hour >= ? order by hour",
                rs -> new ProvisioningActivity.Hour(Sql.instant(rs, "hour"), rs.getInt("requests"), rs.getInt("failures")),
                orgId, since.truncatedTo(ChronoUnit.HOURS));
    }

    /** Deletes the hours that ended before {@code cutoff}, as the log deletes its entries. */
    int purge(Connection c, Instant cutoff) throws SQLException {
        return Sql.update(c, "delete from provisioning_activity where hour < ?", cutoff.truncatedTo(ChronoUnit.HOURS));
    }
}
