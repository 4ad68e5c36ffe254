package dev.lanyard.directory;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of the Directory API: accounts and groups rendered by V80's directory_*_json functions
 * (the same JSON the events carry), paged by keyset on indexes that start with the organization.
 * Every value is bound; a page reads at most {@code limit + 1} rows.
 */
final class DirectoryStore {
    /** A row as JSON text and its keyset position (two numbers, see {@link OpaqueCursor}). */
    record Row(String json, long a, long b) {}

    /**
     * Accounts by (updated_at, seq): managed_accounts_directory (org_id, updated_at, seq), or
     * managed_accounts_directory_status with a status, or managed_accounts_browse(_status) for an
     * email (its few rows then sorted).
     */
    List<Row> accounts(Connection c, UUID orgId, DirectoryService.AccountFilter f, Optional<long[]> after, int limit)
            throws SQLException {
        List<Object> params = new ArrayList<>(List.of(orgId));
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select directory_account_json(a)::text as json, "
                + "(extract(epoch from a.updated_at) * 1000000)::bigint as micros, a.seq from managed_accounts a where a.org_id = ?");
        f.status().ifPresent(s -> {
            sql.append(" and a.status = ?");
            params.add(s);
        });
        f.email().ifPresent(e -> {
            // "C": the equality of managed_accounts_browse (the only (org_id, lower(email)) index over every account, V107)
            sql.append(" and lower(a.email) collate \"C\" = lower(?)");
            params.add(e);
        });
        return byUpdate(c, sql, params, "a", f.updatedSince(), after, limit);
    }

    Optional<String> account(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.find(c, "select directory_account_json(a)::text from managed_accounts a where a.org_id = ? and a.id = ?",
                rs -> rs.getString(1), orgId, id);
    }

    /** Groups by (updated_at, seq) on org_groups_sort_modified. */
    List<Row> groups(Connection c, UUID orgId, Optional<Instant> updatedSince, Optional<long[]> after, int limit) throws SQLException {
        List<Object> params = new ArrayList<>(List.of(orgId));
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select directory_group_json(g)::text as json, "
                + "(extract(epoch from g.updated_at) * 1000000)::bigint as micros, g.seq from org_groups g where g.org_id = ?");
        return byUpdate(c, sql, params, "g", updatedSince, after, limit);
    }

    Optional<String> group(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.find(c, "select directory_group_json(g)::text from org_groups g where g.org_id = ? and g.id = ?",
                rs -> rs.getString(1), orgId, id);
    }

    /**
     * A group's members as accounts, by the member's SCIM id (the primary key of group_members:
     * a range whatever the group's size), after {@code after}.
     */
    List<Row> members(Connection c, UUID orgId, UUID groupId, Optional<long[]> after, int limit) throws SQLException {
        List<Object> params = new ArrayList<>(List.of(groupId, orgId));
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select directory_account_json(a)::text as json, m.member_id from group_members m "
                + "join managed_accounts a on a.scim_id = m.member_id where m.group_id = ? and a.org_id = ?");
        after.ifPresent(p -> {
            sql.append(" and m.member_id > ?");
            params.add(new UUID(p[0], p[1]));
        });
        sql.append(" order by m.member_id limit ?");
        params.add(limit + 1);
        return Sql.list(c, sql.toString(), params, rs -> {
            UUID member = rs.getObject("member_id", UUID.class);
            return new Row(rs.getString("json"), member.getMostSignificantBits(), member.getLeastSignificantBits());
        });
    }

    /**
     * The rest of a list by (updated_at, seq) over the table aliased {@code t}: changed since, after
     * the cursor's (updated_at in microseconds, seq), {@code limit + 1} rows.
     */
    private static List<Row> byUpdate(Connection c, StringBuilder sql, List<Object> params, String t, Optional<Instant> since,
                                      Optional<long[]> after, int limit) throws SQLException {
        since.ifPresent(at -> {
            sql.append(" and ").append(t).append(".updated_at >= ?");
            params.add(at);
        });
        after.ifPresent(p -> {
            sql.append(" and (").append(t).append(".updated_at, ").append(t).append(".seq) > (?, ?)");
            params.add(fromMicros(p[0]));
            params.add(p[1]);
        });
        sql.append(" order by ").append(t).append(".updated_at, ").append(t).append(".seq limit ?");
        params.add(limit + 1);
        return Sql.list(c, sql.toString(), params, rs -> new Row(rs.getString("json"), rs.getLong("micros"), rs.getLong("seq")));
    }

    private static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
