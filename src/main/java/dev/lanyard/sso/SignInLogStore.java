package dev.lanyard.sso;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.storage.NewestFirst;
import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for saml_sign_in_log: written once per attempt, read newest first by (org_id, at, id). */
final class SignInLogStore {
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());

    long insert(Connection c, UUID orgId, String flow, boolean success, String reason, String detail, Optional<String> hint,
                Optional<String> nameId, Optional<UUID> accountId, Map<String, List<String>> attributes) throws SQLException {
        return Sql.find(c, """
                insert into saml_sign_in_log (org_id, flow, outcome, reason, detail, hint, name_id, account_id, attributes)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id""",
                rs -> rs.getLong(1), orgId, flow, success ? "success" : "failure", reason, clip(detail), hint.map(SignInLogStore::clip),
                nameId.map(SignInLogStore::clip), accountId, attributes.isEmpty() ? null : new Sql.Json(json(attributes))).orElseThrow();
    }

    /**
     * A filter on the log, like the provisioning log's: outcome and a time window, newest first;
     * {@code before} an entry (older) or {@code after} one (the newer page, for Previous).
     */
    record Query(Optional<Boolean> success, Optional<String> text, Optional<Instant> since, Optional<Long> before,
                 Optional<Long> after, int limit) {}

    /**
     * The page is ordered by (at, id), so the seek is too, a range on saml_sign_in_log_org_at; an
     * id of another organization finds no "at", hence no rows.
     */
    List<SignInLogEntry> list(Connection c, UUID orgId, Query q) throws SQLException {
        StringBuilder sql = new StringBuilder("select * from saml_sign_in_log");
        List<Object> params = new ArrayList<>();
        where(sql, params, orgId, q);
        return NewestFirst.page(c, "saml_sign_in_log", sql, params, orgId, q.before(), q.after(), q.limit(), SignInLogStore::map);
    }

    /** How many entries the filters match (paging ignored), counting at most {@code cap}. */
    long countUpTo(Connection c, UUID orgId, Query q, long cap) throws SQLException {
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>();
        where(where, params, orgId, q);
        return NewestFirst.countUpTo(c, "saml_sign_in_log", where, params, cap);
    }

    private static void where(StringBuilder sql, List<Object> params, UUID orgId, Query q) {
        sql.append(" " + Sql.PLANNED_WITH_VALUES + "where org_id = ?");
        params.add(orgId);
        q.success().ifPresent(s -> {
            sql.append(" and outcome = ?");
            params.add(s ? "success" : "failure");
        });
        q.text().ifPresent(t -> {
            sql.append(" and (lower(name_id) like ? escape '\\' or reason = ?)");
            params.add("%" + t.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            params.add(t);
        });
        q.since().ifPresent(t -> {
            sql.append(" and at >= ?");
            params.add(t);
        });
    }

    Optional<SignInLogEntry> find(Connection c, UUID orgId, long id) throws SQLException {
        return Sql.find(c, "select * from saml_sign_in_log where org_id = ? and id = ?", SignInLogStore::map, orgId, id);
    }

    void deleteOlderThan(Connection c, Instant cutoff) throws SQLException {
        Sql.update(c, "delete from saml_sign_in_log where at < ?", cutoff);
    }

    private static SignInLogEntry map(ResultSet rs) throws SQLException {
        String attributes = rs.getString("attributes");
        Map<String, List<String>> parsed;
        try {
            parsed = attributes == null ? Map.of() : JSON.readValue(attributes, new TypeReference<Map<String, List<String>>>() {});
        } catch (JsonProcessingException e) {
            parsed = Map.of();
        }
        return new SignInLogEntry(rs.getLong("id"), rs.getObject("org_id", UUID.class), Sql.instant(rs, "at"), rs.getString("flow"),
                "success".equals(rs.getString("outcome")), rs.getString("reason"), rs.getString("detail"),
                Optional.ofNullable(rs.getString("hint")), Optional.ofNullable(rs.getString("name_id")),
                Sql.optionalUuid(rs, "account_id"), parsed);
    }

    private static String json(Map<String, List<String>> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bounds what one row can hold: values come from the IdP (or from whoever posts to the ACS). */
    private static String clip(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
