package dev.lanyard.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A log read newest first by keyset on {@code (at, id)}, both ways: {@code before} an entry
 * (the older page) or {@code after} one (the newer page, for Previous, read oldest first and
 * turned around), a range on the table's {@code (org_id, at desc, id desc)} index whatever the
 * depth; never an offset. The entry's {@code at} is looked up within the organization, so an id
 * of another organization finds no rows.
 */
public final class NewestFirst {
    private NewestFirst() {}

    /**
     * {@code sql} selects from {@code table} and already holds its {@code where} clause (with the
     * organization and the filters, their values in {@code params}); this adds the seek, the order
     * and the limit, and returns the rows newest first.
     */
    public static <T> List<T> page(Connection c, String table, StringBuilder sql, List<Object> params, UUID orgId,
                                   Optional<Long> before, Optional<Long> after, int limit, Sql.RowMapper<T> mapper)
            throws SQLException {
        String anchor = "((select o.at from " + table + " o where o.id = ? and o.org_id = ?), ?)";
        boolean newer = after.isPresent() && before.isEmpty();
        if (before.isPresent()) {
            sql.append(" and (at, id) < ").append(anchor);
            params.addAll(List.of(before.get(), orgId, before.get()));
        } else if (newer) {
            sql.append(" and (at, id) > ").append(anchor);
            params.addAll(List.of(after.get(), orgId, after.get()));
        }
        sql.append(newer ? " order by at, id limit ?" : " order by at desc, id desc limit ?");
        params.add(limit);
        List<T> rows = Sql.list(c, sql.toString(), params, mapper);
        if (!newer) return rows;
        List<T> reversed = new ArrayList<>(rows);
        Collections.reverse(reversed);
        return reversed;
    }

    /** How many rows of {@code table} the {@code where} clause (and its {@code params}) matches, counting at most {@code cap}. */
    public static long countUpTo(Connection c, String table, CharSequence where, List<Object> params, long cap) throws SQLException {
        List<Object> all = new ArrayList<>(params);
        all.add(cap);
        return Sql.list(c, "select count(*) from (select 1 from " + table + where + " limit ?) counted", all, rs -> rs.getLong(1))
                .getFirst();
    }
}
