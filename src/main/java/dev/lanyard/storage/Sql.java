package dev.lanyard.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The few JDBC helpers every store needs: bind positional values, map rows. Small on purpose:
 * stores write their SQL in full so a reader sees exactly what runs.
 */
public final class Sql {
    private Sql() {}

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Marks a statement whose best plan depends on its values: built from a SCIM filter, a LIKE
     * with a parameter (a generic plan cannot use the trigram index for it), a range whose
     * selectivity only the value tells, or a count in an organization that may hold a million
     * accounts. Such a statement is never prepared on the server (pgjdbc's prepareThreshold 0: an
     * unnamed statement, which PostgreSQL plans with the values bound to it each time). Every other
     * statement is prepared on the server after a few executions, and PostgreSQL keeps a generic
     * plan for it when that plan costs no more than planning anew (plan_cache_mode auto), which
     * saves most of the database time of a SCIM request (issue 16: planning was 0.16-0.25 ms of a
     * statement that ran in 0.01-0.04 ms). The marker is a comment, so it also shows in
     * pg_stat_statements which statements are planned each time.
     */
    public static final String PLANNED_WITH_VALUES = "/* planned with its values */ ";

    /**
     * Sent before a statement in the same round trip and implicit transaction ({@link #together}):
     * PostgreSQL plans it with its values each time, as {@link #PLANNED_WITH_VALUES}, but the
     * statement itself is prepared on the server, so its text is not parsed again each time. For
     * a long statement run very often: a batch of lookups (parsed each time, 0.90 of the lookups
     * per second, bench/side/ab, eighteenth round). Not better for everything: the creates' batch
     * ran at 0.76 of the creates per second this way, and stays PLANNED_WITH_VALUES. On an
     * autocommit connection (in a transaction the setting would hold to its end).
     */
    public static final String PLANNED_EACH_TIME = "select set_config('plan_cache_mode', 'force_custom_plan', true);\n";

    /**
     * Sent before a statement over arrays (a batch, Batches) in the same round trip and implicit
     * transaction ({@link #together}): PostgreSQL keeps one plan for it per connection, made with
     * index scans and nested loops only, instead of planning it with its values each time (by
     * cost it did the latter: the arrays' length made the plan with values look cheaper). Only
     * for a statement whose rows only a unique index can reach, or, with other indexes that could
     * reach them, whose unique index the planner prefers once the database is large enough (the
     * userName lookups' batch: AccountStore.searchAll): with a choice of indexes a plan made on a
     * small table may take one that reads the whole organization, and keep it. So on a
     * connection opened while the database was small (plan_cache_mode force_custom_plan,
     * Database) the statement is planned with its values like any other (docs/performance.md,
     * eighteenth and nineteenth rounds). The settings end with the statement's implicit
     * transaction (on an autocommit connection).
     */
    public static final String KEPT_INDEX_PLAN = "select set_config('plan_cache_mode', case current_setting('plan_cache_mode') "
            + "when 'force_custom_plan' then 'force_custom_plan' else 'force_generic_plan' end, true), "
            + "set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), "
            + "set_config('enable_mergejoin', 'off', true);\n";

    public static PreparedStatement prepare(Connection c, String sql, List<?> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        if (sql.contains(PLANNED_WITH_VALUES)) ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        for (int i = 0; i < params.size(); i++) bind(ps, i + 1, params.get(i));
        return ps;
    }

    public static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        switch (value) {
            case null -> ps.setObject(index, null);
            case Instant instant -> ps.setTimestamp(index, Timestamp.from(instant));
            case Json json -> {
                var pg = new org.postgresql.util.PGobject();
                pg.setType("jsonb");
                pg.setValue(json.text());
                ps.setObject(index, pg);
            }
            case Optional<?> optional -> bind(ps, index, optional.orElse(null));
            default -> ps.setObject(index, value);
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, Arrays.asList(params))) {
            return ps.executeUpdate();
        }
    }

    public static <T> List<T> list(Connection c, String sql, List<?> params, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(mapper.map(rs));
            return out;
        }
    }

    /**
     * Runs statements sent together, in one round trip, and maps the last one's rows. On an
     * autocommit connection they are one transaction: PostgreSQL commits at the Sync that pgjdbc
     * sends after the last of them, not after each (SafeguardConcurrencyIT checks it), and each
     * statement takes its own snapshot (READ COMMITTED). So an earlier {@code set_config(..., true)}
     * holds for the later statements and ends with them.
     */
    public static <T> List<T> together(Connection c, String sql, List<?> params, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            boolean rows = ps.execute();
            ResultSet last = null;
            while (rows || ps.getUpdateCount() != -1) {
                if (rows) last = ps.getResultSet();
                rows = ps.getMoreResults(java.sql.Statement.KEEP_CURRENT_RESULT);  // the last one is read below
            }
            List<T> out = new ArrayList<>();
            while (last != null && last.next()) out.add(mapper.map(last));
            return out;
        }
    }

    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        return list(c, sql, Arrays.asList(params), mapper);
    }

    public static <T> Optional<T> find(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        List<T> rows = list(c, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    public static long count(Connection c, String sql, List<?> params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(instant(rs, column));
    }

    public static Optional<UUID> optionalUuid(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, UUID.class));
    }

    /** A value to bind as jsonb. */
    public record Json(String text) {}
}
