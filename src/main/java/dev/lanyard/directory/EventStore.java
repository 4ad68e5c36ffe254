package dev.lanyard.directory;

import dev.lanyard.storage.Sql;
import dev.lanyard.storage.Transactions;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The event feed's reading side: the public seam for the apps' feed and for webhook delivery
 * (docs/events.md). Events are written by the database itself, in the transaction of each
 * change (V80's triggers on account_events, group_events and organizations), so no writer lives
 * here.
 *
 * <p>Every read returns events in (xid, seq) order strictly after the cursor, and only events
 * whose transaction id is below the oldest transaction still running
 * ({@code pg_snapshot_xmin(pg_current_snapshot())}): every transaction below it has ended, so no
 * event can appear later behind a cursor already handed out.
 */
public final class EventStore {
    /** The most events one read returns. */
    public static final int MAX_LIMIT = 1000;
    private static final String COLUMNS = "xid::text as xid, seq, id, org_id, type, subject_id, subject_version, occurred_at, data::text as data";

    private final Transactions tx;

    public EventStore(Transactions tx) {
        this.tx = tx;
    }

    /** A page of one organization's feed: {@code next} is the last event's cursor, or the one asked with when none came. */
    public record Page(List<DirectoryEvent> events, EventCursor next, boolean hasMore) {}

    /** One organization's events after {@code after}, at most {@code limit} (1 to {@value #MAX_LIMIT}). */
    public List<DirectoryEvent> readAfter(UUID orgId, EventCursor after, int limit) {
        return tx.read(c -> readAfter(c, orgId, after, limit));
    }

    /** {@link #readAfter(UUID, EventCursor, int)} with whether more events are visible after the page. */
    public Page page(UUID orgId, EventCursor after, int limit) {
        List<DirectoryEvent> rows = tx.read(c -> read(c, Optional.of(orgId), after, bounded(limit) + 1));
        boolean more = rows.size() > limit;
        if (more) rows = rows.subList(0, limit);
        return new Page(rows, rows.isEmpty() ? after : rows.getLast().cursor(), more);
    }

    /** Every organization's events after {@code after}, in one order: what a delivery worker follows. */
    public List<DirectoryEvent> readAllAfter(EventCursor after, int limit) {
        return tx.read(c -> readAllAfter(c, after, limit));
    }

    /** {@link #readAfter(UUID, EventCursor, int)} on the caller's connection (inside its transaction). */
    public static List<DirectoryEvent> readAfter(Connection c, UUID orgId, EventCursor after, int limit) throws SQLException {
        return read(c, Optional.of(orgId), after, bounded(limit));
    }

    /** {@link #readAllAfter(EventCursor, int)} on the caller's connection (inside its transaction). */
    public static List<DirectoryEvent> readAllAfter(Connection c, EventCursor after, int limit) throws SQLException {
        return read(c, Optional.empty(), after, bounded(limit));
    }

    /**
     * The feed's one query: (org_id, xid, seq) or (xid, seq) as a range on an index, cut at the
     * oldest transaction still running, so only events of ended transactions are returned.
     */
    private static List<DirectoryEvent> read(Connection c, Optional<UUID> orgId, EventCursor after, int rows) throws SQLException {
        String org = orgId.isPresent() ? "org_id = ? and " : "";
        List<Object> params = new ArrayList<>();
        orgId.ifPresent(params::add);
        params.addAll(List.of(Long.toUnsignedString(after.xid()), after.seq(), rows));
        return Sql.list(c, "select " + COLUMNS + " from directory_events where " + org + "(xid, seq) > (?::xid8, ?)"
                + " and xid < pg_snapshot_xmin(pg_current_snapshot()) order by xid, seq limit ?", params, EventStore::map);
    }

    /**
     * The position after every event visible now: a new consumer that has just read the
     * Directory API starts here and misses nothing that commits later.
     */
    public EventCursor now() {
        return tx.read(c -> Sql.find(c, "select (pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1)::text",
                rs -> new EventCursor(Math.max(0, Long.parseLong(rs.getString(1))), Long.MAX_VALUE)).orElseThrow());
    }

    /**
     * Deletes events that occurred before {@code cutoff}, oldest first, at most {@code batch} per
     * statement; returns how many went. The batch is taken from the head of the primary key, so a
     * sweep with nothing to delete reads {@code batch} index entries, not the table.
     */
    public int sweep(Instant cutoff, int batch) {
        return tx.inTransaction(c -> Sql.update(c, """
                delete from directory_events
                 where (xid, seq) in (select xid, seq from directory_events order by xid, seq limit ?)
                   and occurred_at < ?""", batch, cutoff));
    }

    static int bounded(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        return limit;
    }

    private static DirectoryEvent map(ResultSet rs) throws SQLException {
        return new DirectoryEvent(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getString("type"),
                rs.getObject("subject_id", UUID.class), rs.getLong("subject_version"), Sql.instant(rs, "occurred_at"),
                rs.getString("data"), new EventCursor(Long.parseUnsignedLong(rs.getString("xid")), rs.getLong("seq")));
    }
}
