package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.storage.Sql;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for audit_trail (V70). */
final class AuditTrailStore {
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());
    private static final String SELECT = "select id, org_id, at, actor, actor_label, action, target_type, target_id, target_label, "
            + "detail::text as detail from audit_trail";

    private AuditTrailStore() {}

    /** A keyset position: the page order is (at, id), newest first. */
    record Key(Instant at, long id) {}

    static Optional<Key> key(Connection c, UUID orgId, long id) throws SQLException {
        return Sql.find(c, "select at, id from audit_trail where org_id = ? and id = ?",
                rs -> new Key(Sql.instant(rs, "at"), rs.getLong("id")), orgId, id);
    }

    static Optional<Long> newestId(Connection c, UUID orgId) throws SQLException {
        return Sql.find(c, "select id from audit_trail where org_id = ? order by at desc, id desc limit 1", rs -> rs.getLong(1), orgId);
    }

    /**
     * A page: newest first, or oldest first from {@code after} (the caller turns it around). The
     * filters and the seek are ranges on audit_trail_org_at (or the action / area / actor index).
     */
    static List<AuditEntry> list(Connection c, UUID orgId, AuditTrailService.Query q, Optional<Key> before, Optional<Key> after, int limit)
            throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT).append(where(orgId, q, params));
        before.ifPresent(k -> {
            sql.append(" and (at, id) < (?, ?)");
            params.add(k.at());
            params.add(k.id());
        });
        after.ifPresent(k -> {
            sql.append(" and (at, id) > (?, ?)");
            params.add(k.at());
            params.add(k.id());
        });
        sql.append(after.isPresent() ? " order by at, id limit ?" : " order by at desc, id desc limit ?");
        params.add(limit);
        return Sql.list(c, sql.toString(), params, AuditTrailStore::map);
    }

    static long count(Connection c, UUID orgId, AuditTrailService.Query q, int cap) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = where(orgId, q, params);
        params.add(cap);
        return Sql.count(c, "select count(*) from (select 1 from audit_trail" + where + " limit ?) matching", params);
    }

    static Optional<AuditEntry> find(Connection c, UUID orgId, long id) throws SQLException {
        return Sql.find(c, SELECT + " where org_id = ? and id = ?", AuditTrailStore::map, orgId, id);
    }

    /** Deletes up to {@code batch} of the oldest rows before {@code cutoff} of a table with (id, at); the table is ours, never input. */
    static int deleteOlder(Connection c, String table, Instant cutoff, int batch) throws SQLException {
        if (!table.equals("audit_trail") && !table.equals("saml_sign_in_log")) throw new IllegalArgumentException(table);
        return Sql.update(c, "delete from " + table + " where id in (select id from " + table + " where at < ? order by at limit ?)",
                cutoff, batch);
    }

    private static String where(UUID orgId, AuditTrailService.Query q, List<Object> params) {
        StringBuilder sql = new StringBuilder(" " + Sql.PLANNED_WITH_VALUES + "where org_id = ?");
        params.add(orgId);
        q.action().ifPresent(a -> {
            sql.append(a.contains(".") ? " and action = ?" : " and area = ?");
            params.add(a);
        });
        q.actor().ifPresent(a -> {
            sql.append(" and (actor = ? or lower(actor_label) like ? escape '\\')");
            params.add(a);
            params.add(a.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        });
        q.since().ifPresent(t -> {
            sql.append(" and at >= ?");
            params.add(t);
        });
        q.until().ifPresent(t -> {
            sql.append(" and at < ?");
            params.add(t);
        });
        return sql.toString();
    }

    private static AuditEntry map(ResultSet rs) throws SQLException {
        JsonNode detail;
        try {
            detail = JSON.readTree(rs.getString("detail"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            detail = JSON.createObjectNode();
        }
        Optional<AuditTrail.Target> target = Optional.ofNullable(rs.getString("target_type"))
                .map(t -> new AuditTrail.Target(t, uncheckedString(rs, "target_id"), uncheckedString(rs, "target_label")));
        return new AuditEntry(rs.getLong("id"), rs.getObject("org_id", UUID.class), Sql.instant(rs, "at"), Actor.parse(rs.getString("actor")),
                rs.getString("actor_label"), rs.getString("action"), target, detail);
    }

    private static String uncheckedString(ResultSet rs, String column) {
        try {
            return java.util.Objects.requireNonNullElse(rs.getString(column), "");
        } catch (SQLException e) {
            throw new dev.lanyard.storage.StorageException(e);
        }
    }

    static long insert(Connection c, UUID orgId, Actor actor, String actorLabel, AuditAction action, AuditTrail.Target target,
                       JsonNode detail) throws SQLException {
        return Sql.find(c, """
                insert into audit_trail (org_id, actor, actor_label, action, target_type, target_id, target_label, detail)
                values (?, ?, ?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''), ?) returning id""",
                rs -> rs.getLong(1), orgId, actor.text(), AuditTrail.clip(actorLabel), action.code(),
                target.type(), target.id(), target.label(), new Sql.Json(detail.toString())).orElseThrow();
    }

    /**
     * How the actor is named now: an admin's email (of this organization only), a SCIM token's
     * label and first characters. Read from the admins' and tokens' tables in the same
     * transaction; an id that names nothing is written as its stored text.
     */
    static String actorLabel(Connection c, UUID orgId, Actor actor) throws SQLException {
        return switch (actor) {
            case Actor.Admin a -> Sql.find(c, "select email from console_admins where id = ? and org_id = ?",
                    rs -> rs.getString(1), a.adminId(), orgId).orElse(actor.text());
            case Actor.ScimToken t -> Sql.find(c, "select label, prefix from provisioning_tokens where id = ? and org_id = ?",
                    rs -> tokenName(rs.getString(1), rs.getString(2)), t.tokenId(), orgId).orElse(actor.text());
            case Actor.Operator o -> "operator";
            case Actor.System s -> "Lanyard";
            case Actor.Anonymous a -> "not signed in";
            case Actor.Unrecognised u -> u.text();
        };
    }

    private static String tokenName(String label, String prefix) {
        String p = prefix == null || prefix.isEmpty() ? "" : prefix + "…";
        if (label == null || label.isEmpty()) return p.isEmpty() ? "SCIM token" : "SCIM token " + p;
        return p.isEmpty() ? "SCIM token \"" + label + "\"" : "SCIM token \"" + label + "\" (" + p + ")";
    }

    /** Entries of this action in the last hour, counted up to {@code cap} (a range on audit_trail_org_action_at). */
    static int countLastHour(Connection c, UUID orgId, AuditAction action, int cap) throws SQLException {
        return (int) Sql.count(c, """
                select count(*) from (select 1 from audit_trail where org_id = ? and action = ?
                                          and at > clock_timestamp() - interval '1 hour' limit ?) recent""",
                java.util.List.of(orgId, action.code(), cap));
    }
}
