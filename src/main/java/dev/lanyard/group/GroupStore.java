package dev.lanyard.group;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.domain.JsonBuffers;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.SqlFilter;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * SQL for org_groups, group_members and group_events. Every membership statement names the
 * members it changes, so it touches only their rows (a primary-key probe each), whatever the
 * group's size.
 */
final class GroupStore {
    private static final ObjectMapper JSON = JsonBuffers.pooled(new ObjectMapper());
    private static final String COLUMNS = "id, org_id, display_name, external_id, member_count, version, created_at, updated_at";

    void insert(Connection c, Group g) throws SQLException {
        Sql.update(c, "insert into org_groups (id, org_id, display_name, external_id, member_count, version, created_at, updated_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)",
                g.id(), g.orgId(), g.displayName(), g.externalId(), g.memberCount(), g.version(), g.createdAt(), g.updatedAt());
    }

    /** The group, locked for the rest of the transaction: membership changes of one group run one at a time. */
    Optional<Group> lock(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from org_groups where org_id = ? and id = ? for update", GroupStore::map, orgId, id);
    }

    Optional<Group> find(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from org_groups where org_id = ? and id = ?", GroupStore::map, orgId, id);
    }

    void update(Connection c, Group g) throws SQLException {
        Sql.update(c, "update org_groups set display_name = ?, external_id = ?, member_count = ?, version = ?, updated_at = ? where id = ?",
                g.displayName(), g.externalId(), g.memberCount(), g.version(), g.updatedAt(), g.id());
    }

    void delete(Connection c, UUID id) throws SQLException {
        Sql.update(c, "delete from org_groups where id = ?", id);
    }

    /**
     * Which of these SCIM User ids belong to users the organization's IdP manages, each locked
     * against a concurrent DELETE /Users (for key share: the unlink changes scim_id) until this
     * transaction ends, so a member added here cannot be left behind by that DELETE.
     */
    Set<UUID> lockUsers(Connection c, UUID orgId, Collection<UUID> scimIds) throws SQLException {
        if (scimIds.isEmpty()) return Set.of();
        return new HashSet<>(Sql.list(c, "select scim_id from managed_accounts where org_id = ? and scim_id = any(?) "
                        + "order by scim_id for key share",
                rs -> rs.getObject(1, UUID.class), orgId, uuids(c, scimIds)));
    }

    /** Adds the members not there yet; returns those added. */
    List<UUID> addMembers(Connection c, UUID groupId, Collection<UUID> members, Instant at) throws SQLException {
        if (members.isEmpty()) return List.of();
        return Sql.list(c, "insert into group_members (group_id, member_id, added_at) select ?, m, ? from unnest(?) as m "
                        + "on conflict do nothing returning member_id",
                rs -> rs.getObject(1, UUID.class), groupId, at, uuids(c, members));
    }

    /** Removes those of these members that are there; returns those removed. */
    List<UUID> removeMembers(Connection c, UUID groupId, Collection<UUID> members) throws SQLException {
        if (members.isEmpty()) return List.of();
        return Sql.list(c, "delete from group_members where group_id = ? and member_id = any(?) returning member_id",
                rs -> rs.getObject(1, UUID.class), groupId, uuids(c, members));
    }

    /** Removes the members matching a translated member filter; returns those removed. */
    List<UUID> removeMembersWhere(Connection c, UUID groupId, SqlFilter.Where where) throws SQLException {
        List<Object> params = new ArrayList<>();
        params.add(groupId);
        params.addAll(where.params());
        return Sql.list(c, Sql.PLANNED_WITH_VALUES + "delete from group_members where group_id = ? and " + where.sql() + " returning member_id",
                params, rs -> rs.getObject(1, UUID.class));
    }

    /** Removes every member but these; returns those removed (a full replace touches only what differs). */
    List<UUID> removeMembersExcept(Connection c, UUID groupId, Collection<UUID> kept) throws SQLException {
        // An anti-join, hashed by PostgreSQL: `member_id <> all(?)` would compare each member with
        // each kept id. Reading the whole group is inherent to a full replace; writing is not.
        return Sql.list(c, "delete from group_members m where m.group_id = ? "
                        + "and not exists (select 1 from unnest(?) as k(id) where k.id = m.member_id) returning m.member_id",
                rs -> rs.getObject(1, UUID.class), groupId, uuids(c, kept));
    }

    /** Up to {@code limit} member ids after {@code after}, in id order (the primary key's order). */
    List<UUID> members(Connection c, UUID groupId, Optional<UUID> after, int limit) throws SQLException {
        return Sql.list(c, "select member_id from group_members where group_id = ? and member_id > coalesce(?, '00000000-0000-0000-0000-000000000000'::uuid) "
                        + "order by member_id limit ?",
                rs -> rs.getObject(1, UUID.class), groupId, after.orElse(null), limit);
    }

    /** A member with the account behind it, for the console. */
    record MemberRow(UUID scimId, UUID accountId, String email, String status) {}

    List<MemberRow> memberAccounts(Connection c, UUID orgId, UUID groupId, Optional<UUID> after, int limit) throws SQLException {
        return Sql.list(c, "select m.member_id, a.id, a.email, a.status from group_members m "
                        + "join managed_accounts a on a.org_id = ? and a.scim_id = m.member_id "
                        + "where m.group_id = ? and m.member_id > coalesce(?, '00000000-0000-0000-0000-000000000000'::uuid) "
                        + "order by m.member_id limit ?",
                rs -> new MemberRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4)),
                orgId, groupId, after.orElse(null), limit);
    }

    /** The members before {@code before} (a SCIM id) in {@link #memberAccounts}' order, nearest first. */
    List<MemberRow> memberAccountsBefore(Connection c, UUID orgId, UUID groupId, UUID before, int limit) throws SQLException {
        return Sql.list(c, "select m.member_id, a.id, a.email, a.status from group_members m "
                        + "join managed_accounts a on a.org_id = ? and a.scim_id = m.member_id "
                        + "where m.group_id = ? and m.member_id < ? order by m.member_id desc limit ?",
                rs -> new MemberRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4)),
                orgId, groupId, before, limit);
    }

    /**
     * An account's groups as JSON text, {@code [[group id, displayName], ...]} in {@link #groupsOf}'s
     * order, or null when it is in none: an expression over {@code managed_accounts}' columns, for
     * a page of accounts that brings their groups along (AccountService.searchLinked's beside).
     *
     * <p>For an account in no group (most of them, and every one in an organization without
     * groups) it costs one probe of group_members_member: the {@code exists} answers first, and
     * only a member's row runs the join and the ordered aggregate, which every lookup paid before
     * (the aggregate's setup, and a scan of the organization's groups: the plan PostgreSQL picks
     * when they are few). pgbench on the IdPs' lookup, 4 clients, medians of 5 runs: 18,500
     * statements/s without, 19,600 with it (issue 16, docs/performance.md).
     */
    static final String GROUPS_JSON_OF_ACCOUNT = "case when exists (select from group_members x where x.member_id = managed_accounts.scim_id) "
            + "then (select json_agg(json_build_array(g.id, g.display_name) order by lower(g.display_name), g.id) "
            + "from group_members m join org_groups g on g.id = m.group_id "
            + "where m.member_id = managed_accounts.scim_id and g.org_id = managed_accounts.org_id) end";

    /** The groups of each of these users (SCIM ids), for their read-only {@code groups} attribute. */
    List<GroupService.Membership> groupsOf(Connection c, UUID orgId, Collection<UUID> scimIds) throws SQLException {
        if (scimIds.isEmpty()) return List.of();
        return Sql.list(c, "select m.member_id, g.id, g.display_name from group_members m join org_groups g on g.id = m.group_id "
                        + "where m.member_id = any(?) and g.org_id = ? order by m.member_id, lower(g.display_name), g.id",
                rs -> new GroupService.Membership(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)),
                uuids(c, scimIds), orgId);
    }

    /** A row of a search page with its position, from which the next page's cursor is made. */
    record Keyed(Group group, AccountQuery.Position position) {}

    /**
     * One page of the organization's groups, ordered by (sort key, seq); the same keyset
     * scheme as the accounts' search (RFC 9865 cursors), a nullable key compared through
     * coalesce so the comparison never meets a NULL.
     */
    List<Keyed> search(Connection c, UUID orgId, AccountQuery q) throws SQLException {
        AccountQuery.SortKey key = q.sort().key();
        String dir = q.sort().descending() ? " desc" : "";
        String sortExpr = key.nullable() ? "coalesce(" + key.sql() + ", " + key.zero() + ")" : key.sql();
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select " + COLUMNS + ", seq, (" + key.sql() + ")::text as sort_value "
                + "from org_groups where org_id = ?");
        params.add(orgId);
        q.where().ifPresent(w -> {
            sql.append(" and ").append(w.sql());
            params.addAll(w.params());
        });
        if (q.window() instanceof AccountQuery.After(Optional<AccountQuery.Position> after, int count) && after.isPresent()) {
            String cmp = q.sort().descending() ? " < " : " > ";
            AccountQuery.Position p = after.get();
            if (key == AccountQuery.SortKey.SEQ) {
                sql.append(" and seq").append(cmp).append("?");
            } else if (key.nullable()) {
                sql.append(" and ((").append(key.sql()).append(") is null, ").append(sortExpr).append(", seq)").append(cmp)
                        .append("(?, coalesce(?::").append(key.pgType()).append(", ").append(key.zero()).append("), ?)");
                params.add(p.sortValue().isEmpty());
                params.add(p.sortValue().orElse(null));
            } else {
                sql.append(" and (").append(sortExpr).append(", seq)").append(cmp).append("(?::").append(key.pgType()).append(", ?)");
                params.add(p.sortValue().orElse(null));
            }
            params.add(p.seq());
        }
        sql.append(" order by ");
        if (key != AccountQuery.SortKey.SEQ) {
            if (key.nullable()) sql.append("(").append(key.sql()).append(") is null").append(dir).append(", ");
            sql.append(sortExpr).append(dir).append(", ");
        }
        sql.append("seq").append(dir).append(" limit ?");
        switch (q.window()) {
            case AccountQuery.Index(int offset, int count) -> {
                params.add(count);
                sql.append(" offset ?");
                params.add(offset);
            }
            case AccountQuery.After(Optional<AccountQuery.Position> ignored, int count) -> params.add(count + 1);
        }
        return Sql.list(c, sql.toString(), params, rs -> new Keyed(map(rs),
                new AccountQuery.Position(Optional.ofNullable(rs.getString("sort_value")), rs.getLong("seq"))));
    }

    long count(Connection c, UUID orgId, Optional<SqlFilter.Where> where) throws SQLException {
        List<Object> params = new ArrayList<>(List.of(orgId));
        StringBuilder sql = new StringBuilder(Sql.PLANNED_WITH_VALUES + "select count(*) from org_groups where org_id = ?");
        where.ifPresent(w -> {
            sql.append(" and ").append(w.sql());
            params.addAll(w.params());
        });
        return Sql.count(c, sql.toString(), params);
    }

    /** The console's list: groups by lower-cased name in byte order, after the group {@code after}. */
    List<Group> browse(Connection c, UUID orgId, Optional<UUID> after, int limit) throws SQLException {
        if (after.isPresent()) {
            return Sql.list(c, "select " + COLUMNS + " from org_groups where org_id = ? and (lower(display_name) collate \"C\", seq) > "
                            + "(select lower(g.display_name) collate \"C\", g.seq from org_groups g where g.org_id = ? and g.id = ?) "
                            + "order by lower(display_name) collate \"C\", seq limit ?",
                    GroupStore::map, orgId, orgId, after.get(), limit);
        }
        return Sql.list(c, "select " + COLUMNS + " from org_groups where org_id = ? order by lower(display_name) collate \"C\", seq limit ?",
                GroupStore::map, orgId, limit);
    }

    /** The page before {@code before} in {@link #browse}'s order, nearest first. */
    List<Group> browseBefore(Connection c, UUID orgId, UUID before, int limit) throws SQLException {
        return Sql.list(c, "select " + COLUMNS + " from org_groups where org_id = ? and (lower(display_name) collate \"C\", seq) < "
                        + "(select lower(g.display_name) collate \"C\", g.seq from org_groups g where g.org_id = ? and g.id = ?) "
                        + "order by lower(display_name) collate \"C\" desc, seq desc limit ?",
                GroupStore::map, orgId, orgId, before, limit);
    }

    /** How many groups the organization has, counting at most {@code cap}. */
    long countUpTo(Connection c, UUID orgId, int cap) throws SQLException {
        return Sql.count(c, "select count(*) from (select 1 from org_groups where org_id = ? limit ?) counted", List.of(orgId, cap));
    }

    void event(Connection c, UUID orgId, UUID groupId, String kind, Map<String, ?> detail, String actor, Instant at)
            throws SQLException {
        Sql.update(c, "insert into group_events (org_id, group_id, kind, detail, actor, at) values (?, ?, ?, ?, ?, ?)",
                orgId, groupId, kind, new Sql.Json(JSON.valueToTree(detail).toString()), actor, at);
    }

    /** One member_added / member_removed event per member, in one statement. */
    void memberEvents(Connection c, UUID orgId, UUID groupId, String kind, Collection<UUID> members, String actor, Instant at)
            throws SQLException {
        if (members.isEmpty()) return;
        Sql.update(c, "insert into group_events (org_id, group_id, kind, detail, actor, at) "
                        + "select ?, ?, ?, jsonb_build_object('member', m), ?, ? from unnest(?) as m",
                orgId, groupId, kind, actor, at, uuids(c, members));
    }

    List<GroupEvent> events(Connection c, UUID orgId, UUID groupId, int limit) throws SQLException {
        return Sql.list(c, "select kind, detail::text, actor, at from group_events where org_id = ? and group_id = ? "
                        + "order by id desc limit ?",
                rs -> new GroupEvent(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, "at")),
                orgId, groupId, limit);
    }

    private static Array uuids(Connection c, Collection<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }

    private static Group map(ResultSet rs) throws SQLException {
        return new Group(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("display_name"),
                Optional.ofNullable(rs.getString("external_id")), rs.getLong("member_count"), rs.getLong("version"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
