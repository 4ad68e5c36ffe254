package dev.lanyard.account;

import dev.lanyard.storage.SqlFilter;

import java.util.Optional;

/**
 * One page of a search over the accounts the IdP manages: which rows ({@code where}), in what
 * order, and which window of them.
 *
 * <p>Two windows: by index (RFC 7644 §3.4.2.4, {@code startIndex}/{@code count}), whose cost grows
 * with the offset because PostgreSQL must walk past the skipped rows; and by position (RFC 9865
 * cursors), a keyset seek {@code (sort key, seq) > (last seen)} whose cost does not depend on depth.
 */
public record AccountQuery(Optional<SqlFilter.Where> where, Sort sort, Window window) {

    /**
     * What a SCIM list asks for, checked and already turned into SQL by {@link AccountService#criteria}:
     * the adapter holds it without seeing the SQL (the repository seam of Apache SCIMple, which
     * receives a parsed filter, a sort and a page).
     */
    public static final class Criteria {
        final Optional<SqlFilter.Where> where;
        final Sort sort;

        Criteria(Optional<SqlFilter.Where> where, Sort sort) {
            this.where = where;
            this.sort = sort;
        }
    }

    /** An order: a sortable expression and a direction; {@code seq} always breaks ties. */
    public record Sort(SortKey key, boolean descending) {
        public static final Sort DEFAULT = new Sort(SortKey.SEQ, false);
    }

    /**
     * A SQL expression over a managed_accounts row to sort by, with its PostgreSQL type (so a
     * cursor's text value can be bound back) and whether it can be null. {@code unique}: no two
     * rows the query reads share a value (a unique index says so), so the key alone orders them
     * and the ORDER BY needs no seq: the unique index itself gives the order (V107).
     */
    public record SortKey(String sql, String pgType, boolean nullable, String zero, boolean unique) {
        /** Creation order: stable and what index pages use when no sortBy is given. */
        public static final SortKey SEQ = new SortKey("seq", "bigint", false, "0");

        public SortKey(String sql, String pgType, boolean nullable, String zero) {
            this(sql, pgType, nullable, zero, false);
        }
    }

    /** Where a page starts. */
    public sealed interface Window {
        int count();
    }

    /** {@code startIndex}-based: skip {@code offset} rows. */
    public record Index(int offset, int count) implements Window {}

    /** Cursor-based: start after {@code after} (empty: the first page). */
    public record After(Optional<Position> after, int count) implements Window {}

    /** The sort key and seq of the last row of a page, as a cursor carries them. */
    public record Position(Optional<String> sortValue, long seq) {}
}
