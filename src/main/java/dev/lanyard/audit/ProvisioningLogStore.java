package dev.lanyard.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for provisioning_log (V8). */
final class ProvisioningLogStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    void insert(Connection c, List<ProvisioningLogEntry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into provisioning_log (org_id, at, method, path, query, client, status, duration_ms, scim_type, detail, request_body)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (ProvisioningLogEntry e : entries) {
                Sql.bind(ps, 1, e.orgId());
                Sql.bind(ps, 2, e.at());
                Sql.bind(ps, 3, e.method());
                Sql.bind(ps, 4, e.path());
                Sql.bind(ps, 5, e.query());
                Sql.bind(ps, 6, e.client());
                Sql.bind(ps, 7, e.status());
                Sql.bind(ps, 8, e.durationMs());
                Sql.bind(ps, 9, e.scimType());
                Sql.bind(ps, 10, e.detail());
                Sql.bind(ps, 11, e.requestBody().map(b -> new Sql.Json(b.toString())));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Newest first; {@code beforeId} pages back (keyset on the id, so deep pages cost the same). */
    List<Row> list(Connection c, UUID orgId, ProvisioningLog.Query q) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select id, org_id, at, method, path, query, client, status, duration_ms, scim_type, "
                + "detail, request_body::text as body from provisioning_log where org_id = ?");
        params.add(orgId);
        switch (q.outcome()) {
            case FAILURES -> sql.append(" and status >= 400");
            case SUCCESSES -> sql.append(" and status < 400");
            case ALL -> { }
        }
        q.since().ifPresent(t -> { sql.append(" and at >= ?"); params.add(t); });
        q.until().ifPresent(t -> { sql.append(" and at < ?"); params.add(t); });
        q.beforeId().ifPresent(id -> { sql.append(" and id < ?"); params.add(id); });
        sql.append(" order by at desc, id desc limit ?");
        params.add(q.limit());
        return Sql.list(c, sql.toString(), params, ProvisioningLogStore::map);
    }

    int purge(Connection c, Instant cutoff, int batch) throws SQLException {
        return Sql.update(c, "delete from provisioning_log where id in (select id from provisioning_log where at < ? limit ?)",
                cutoff, batch);
    }

    /** A stored entry with its id (for paging). */
    record Row(long id, ProvisioningLogEntry entry) {}

    private static Row map(ResultSet rs) throws SQLException {
        String body = rs.getString("body");
        Timestamp at = rs.getTimestamp("at");
        Optional<com.fasterxml.jackson.databind.JsonNode> json;
        try {
            json = body == null ? Optional.empty() : Optional.of(JSON.readTree(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            json = Optional.empty();
        }
        return new Row(rs.getLong("id"), new ProvisioningLogEntry(rs.getObject("org_id", UUID.class), at.toInstant(),
                rs.getString("method"), rs.getString("path"), Optional.ofNullable(rs.getString("query")), rs.getString("client"),
                rs.getInt("status"), rs.getDouble("duration_ms"), Optional.ofNullable(rs.getString("scim_type")),
                Optional.ofNullable(rs.getString("detail")), json));
    }
}
