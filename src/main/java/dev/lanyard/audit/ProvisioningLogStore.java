package dev.lanyard.audit;

import dev.lanyard.domain.FailureReason;
import dev.lanyard.storage.CopyRows;
import dev.lanyard.storage.NewestFirst;
import dev.lanyard.storage.Sql;

import java.sql.Connection;
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
    private static final String SELECT = "select id, org_id, at, method, path, query, client, status, duration_ms, scim_type, "
            + "detail, reason, request_body::text as body, token_id, user_name, account_id from provisioning_log";

    /**
     * Writes a batch with one {@code COPY}, in the batch's order (the ids follow it). Before: one
     * {@code INSERT} per entry; then pgjdbc's rewritten multi-row {@code VALUES}, a statement text
     * per row count with 16 parameters per row, which PostgreSQL parsed and planned at every batch
     * (4.7 ms of planning against 10 ms of execution for 128 rows); then one {@code INSERT ...
     * SELECT FROM unnest} of 16 column arrays, whose array literals PostgreSQL parsed before any
     * row was made (7.3-7.8 ms for 320 lookups' entries, against 4.4-5.1 ms by COPY; issue 16).
     */
    void insert(Connection c, List<ProvisioningLogEntry> entries) throws SQLException {
        if (entries.isEmpty()) return;
        CopyRows rows = new CopyRows(entries.stream().mapToInt(ProvisioningLogEntry::approxBytes).sum() + 200 * entries.size());
        java.util.Map<UUID, Long> bytes = new java.util.TreeMap<>();
        java.util.Map<UUID, Instant> earliest = new java.util.HashMap<>();
        for (ProvisioningLogEntry e : entries) {
            rows.add(e.orgId()).add(e.at()).add(e.method()).add(e.path()).add(e.query()).add(e.client()).add(e.status())
                    .add(e.durationMs()).add(e.scimType()).add(e.detail()).add(e.requestBodyJson())
                    .add(e.subject().tokenId()).add(e.subject().userName()).add(e.subject().accountId()).add(e.approxBytes())
                    .add(e.reason().map(FailureReason::code)).endRow();
            bytes.merge(e.orgId(), (long) e.approxBytes(), Long::sum);
            earliest.merge(e.orgId(), e.at(), (a, b) -> a.isBefore(b) ? a : b);
        }
        rows.copyInto(c, """
                copy provisioning_log (org_id, at, method, path, query, client, status, duration_ms, scim_type, detail,
                                       request_body, token_id, user_name, account_id, stored_bytes, reason) from stdin""");
        // In org order, so two writers (two servers) never wait on each other's rows in a cycle. An
        // entry not after where the organization's last trim ended moves that point back to just
        // before it ((its at, 0): ids start at 1), so the next trim reaches it (V119, deleteOldest).
        for (var o : bytes.entrySet()) {
            Instant at = earliest.get(o.getKey());
            Sql.update(c, """
                    insert into provisioning_log_usage as u (org_id, bytes) values (?, ?)
                    on conflict (org_id) do update set bytes = u.bytes + excluded.bytes,
                        trimmed_id = case when u.trimmed_at >= ? then 0 else u.trimmed_id end,
                        trimmed_at = case when u.trimmed_at >= ? then ? else u.trimmed_at end""",
                    o.getKey(), o.getValue(), at, at, at);
        }
    }

    /** What the organization's entries take now, as the writer counted them. */
    long usage(Connection c, UUID orgId) throws SQLException {
        return Sql.find(c, "select bytes from provisioning_log_usage where org_id = ?", rs -> rs.getLong(1), orgId).orElse(0L);
    }

    /**
     * Deletes the organization's oldest entries, just enough of them (among the {@code batch}
     * oldest) to free {@code excess} bytes; returns what it now takes. It reads from where the
     * last trim ended (V119: every kept entry is after {@code (trimmed_at, trimmed_id)}), a range
     * of provisioning_log_org_at, so it never steps over the index entries of rows deleted before
     * and not yet vacuumed away; and it moves that point to the last entry it deleted, unless the
     * writer moved it back meanwhile (another server's writer, with an entry older than it). The
     * rows are deleted by their place in the table (ctid, a TID scan), as the index scan found
     * them: by id each was one more descent of the primary key (5.8 ms for 677 rows against 3.7,
     * docs/performance.md). A row changed meanwhile has moved and is not deleted; {@code gone}
     * counts only the rows that were.
     */
    long deleteOldest(Connection c, UUID orgId, long excess, int batch) throws SQLException {
        return Sql.find(c, """
                with start as (select coalesce(trimmed_at, '-infinity') as at, coalesce(trimmed_id, 0) as id
                                 from provisioning_log_usage where org_id = ?),
                     oldest as (select place, stored_bytes, sum(stored_bytes) over (order by at, id) as running
                                  from (select ctid as place, id, at, stored_bytes from provisioning_log
                                         where org_id = ? and (at, id) > (coalesce((select at from start), '-infinity'),
                                                                          coalesce((select id from start), 0))
                                         order by at, id limit ?) o),
                     gone as (delete from provisioning_log
                               where ctid = any(array(select place from oldest where running - stored_bytes < ?))
                              returning at, id, stored_bytes),
                     last as (select at, id from gone order by at desc, id desc limit 1)
                update provisioning_log_usage u set bytes = greatest(0, u.bytes - (select coalesce(sum(stored_bytes), 0) from gone)),
                       trimmed_at = case when exists (select from last) and (select (at, id) from start)
                                                = (coalesce(u.trimmed_at, '-infinity'), coalesce(u.trimmed_id, 0))
                                         then (select at from last) else u.trimmed_at end,
                       trimmed_id = case when exists (select from last) and (select (at, id) from start)
                                                = (coalesce(u.trimmed_at, '-infinity'), coalesce(u.trimmed_id, 0))
                                         then (select id from last) else u.trimmed_id end
                 where org_id = ? returning bytes""", rs -> rs.getLong(1), orgId, orgId, batch, excess, orgId).orElse(0L);
    }

    /**
     * Newest first; {@code beforeId} pages back, {@code afterId} forward (the page of newer
     * entries). The page order is (at, id), so the seek is too: the entries after that one in this order, {@code (at, id) < (its at, its id)}, a range on
     * provisioning_log_org_at, so a deep page costs what the first does. ({@code id < ?} alone is
     * not that: ids follow the writer's queue, not the request times, and PostgreSQL would scan
     * every newer entry to skip it.) An id of another organization finds no "at", hence no rows.
     */
    List<Row> list(Connection c, UUID orgId, ProvisioningLog.Query q) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT);
        where(sql, params, orgId, q);
        return NewestFirst.page(c, "provisioning_log", sql, params, orgId, q.beforeId(), q.afterId(), q.limit(), ProvisioningLogStore::map);
    }

    /**
     * How many entries match the filters (paging ignored), counting at most {@code cap}: a
     * bounded read of the same index range the page comes from, so the number above the list
     * is the list's and never costs a scan of a large log.
     */
    long countUpTo(Connection c, UUID orgId, ProvisioningLog.Query q, long cap) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        where(where, params, orgId, q);
        return NewestFirst.countUpTo(c, "provisioning_log", where, params, cap);
    }

    private static void where(StringBuilder sql, List<Object> params, UUID orgId, ProvisioningLog.Query q) {
        sql.append(" " + Sql.PLANNED_WITH_VALUES + "where org_id = ?");
        params.add(orgId);
        switch (q.outcome()) {
            case FAILURES -> sql.append(" and status >= 400");
            case SUCCESSES -> sql.append(" and status < 400");
            case ALL -> { }
        }
        q.accountId().ifPresent(a -> { sql.append(" and account_id = ?"); params.add(a); });
        q.since().ifPresent(t -> { sql.append(" and at >= ?"); params.add(t); });
        q.until().ifPresent(t -> { sql.append(" and at < ?"); params.add(t); });
    }

    /** One entry of the organization; another organization's id finds nothing. */
    Optional<Row> find(Connection c, UUID orgId, long id) throws SQLException {
        return Sql.find(c, SELECT + " where org_id = ? and id = ?", ProvisioningLogStore::map, orgId, id);
    }

    /** When the organization's newest kept entry came: the first row of provisioning_log_org_at. */
    Optional<Instant> lastAt(Connection c, UUID orgId) throws SQLException {
        return Sql.find(c, "select at from provisioning_log where org_id = ? order by at desc, id desc limit 1",
                rs -> Sql.instant(rs, "at"), orgId);
    }

    /**
     * Up to {@code batch} entries older than the cutoff, organization by organization: for each
     * organization a range of provisioning_log_org_at (org_id, then at), the index every entry
     * already has, so the log needs no index on {@code at} alone that every request's row would
     * pay for (V116). An organization with nothing that old costs one descent of that index.
     * Every entry's organization is a row of organizations: one deleted by hand takes its entries
     * with it (V113's trigger; V117 deleted what one deleted before that trigger had left), so
     * walking organizations reaches every entry.
     */
    static final String PURGE = Sql.PLANNED_WITH_VALUES + """
            with doomed as (select old.id
                              from organizations o
                             cross join lateral (select p.id from provisioning_log p
                                                  where p.org_id = o.id and p.at < ? limit ?) old
                             limit ?),
                 gone as (delete from provisioning_log where id in (select id from doomed) returning org_id, stored_bytes),
                 per as (select org_id, sum(stored_bytes) as bytes, count(*) as n from gone group by org_id),
                 kept as (update provisioning_log_usage u set bytes = greatest(0, u.bytes - per.bytes)
                            from per where u.org_id = per.org_id)
            select coalesce(sum(n), 0)::int from per""";

    int purge(Connection c, Instant cutoff, int batch) throws SQLException {
        return Sql.find(c, PURGE, rs -> rs.getInt(1), cutoff, batch, batch).orElse(0);
    }

    /** A stored entry with its id (for paging). */
    record Row(long id, ProvisioningLogEntry entry) {}

    private static Row map(ResultSet rs) throws SQLException {
        String body = rs.getString("body");
        Timestamp at = rs.getTimestamp("at");
        return new Row(rs.getLong("id"), new ProvisioningLogEntry(rs.getObject("org_id", UUID.class), at.toInstant(),
                rs.getString("method"), rs.getString("path"), Optional.ofNullable(rs.getString("query")), rs.getString("client"),
                rs.getInt("status"), rs.getDouble("duration_ms"), Optional.ofNullable(rs.getString("scim_type")),
                Optional.ofNullable(rs.getString("detail")),
                Optional.ofNullable(rs.getString("reason")).flatMap(FailureReason::fromCode), Optional.ofNullable(body),
                new ProvisioningLogEntry.Subject(Optional.ofNullable(rs.getObject("token_id", UUID.class)),
                        Optional.ofNullable(rs.getString("user_name")), Optional.ofNullable(rs.getObject("account_id", UUID.class)))));
    }
}
