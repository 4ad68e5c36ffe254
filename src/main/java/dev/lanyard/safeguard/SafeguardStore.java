package dev.lanyard.safeguard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.account.AccountProfile;
import dev.lanyard.domain.Actor;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL for safeguard_settings, safeguard_removals and held_changes (V95). */
final class SafeguardStore {
    /** Removal buckets older than the longest window count for nothing any more. */
    private static final long SWEEP_AFTER_SECONDS = SafeguardSettings.MAX_WINDOW.toSeconds() + 3600;

    /** The settings row and the trip state; the defaults when the organization has no row. */
    record Row(SafeguardSettings settings, Optional<Instant> trippedAt, Optional<String> tripReason, Optional<Long> tripSeq,
               Optional<Long> baseActive, Optional<Instant> baseAt) {
        static final Row DEFAULT = new Row(SafeguardSettings.DEFAULTS, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /**
     * The organization's lock, EXCLUSIVE: the admin's actions (release-all's resume, reject-all,
     * saving the settings) wait until no removal is in its transaction, and removals wait for them,
     * so no hold slips in between "nothing held" and the resume. Held to the end of the transaction.
     */
    void lockOrganization(Connection c, UUID orgId) throws SQLException {
        Sql.find(c, "select pg_advisory_xact_lock(hashtextextended('safeguard:' || ?::text, 0))", rs -> true, orgId);
    }

    /**
     * The same lock, SHARED, then the row with the reservation claimed ({@link #CLAIM}): what every
     * deactivation and SCIM DELETE does first in its transaction. The lock is held to the end of
     * the transaction; removals do not wait for each other (their count is reserved beforehand,
     * {@link #reserve}), only for an admin's action in progress. The two
     * statements go in one round trip ({@link #together}) and stay two, so the read's snapshot
     * begins after the lock and sees an admin's resume or new settings (issue 16: one round trip
     * fewer per removal).
     */
    Claimed lockSharedAndClaim(Connection c, UUID orgId, Optional<Long> seq) throws SQLException {
        return together(c, "select pg_advisory_xact_lock_shared(hashtextextended('safeguard:' || ?::text, 0));\n" + CLAIM,
                SafeguardStore::claimed, orgId, seq.orElse(0L), orgId, orgId).orElseThrow();
    }

    private static final String COLUMNS =
            "enabled, max_percent, max_count, window_seconds, tripped_at, trip_reason, trip_seq, base_active, base_at";

    Row row(Connection c, UUID orgId) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from safeguard_settings where org_id = ?", SafeguardStore::row, orgId)
                .orElse(Row.DEFAULT);
    }

    /** The row, and whether the reservation {@code seq} was still there: it is deleted in this transaction. */
    record Claimed(Row row, boolean claimed) {}

    /**
     * Reads the row and takes the reservation's row out in one statement: from here the
     * reservation is settled by this transaction (counted for a removal it applies, taken back by
     * {@link #uncount} otherwise). Not there: an admin's resume voided it (or none was made).
     * Its id is 0 when there is none (ids start at 1): a long either way keeps one plan.
     */
    private static final String CLAIM = """
            with claimed as (delete from safeguard_reservations where id = ? and org_id = ? returning id)
            select (select count(*) from claimed) as claimed, s.*
              from (select 1) as one left join safeguard_settings s on s.org_id = ?""";

    /** The organizations' rows, and which of the reservations were still there: they are deleted in this transaction. */
    record ClaimedAll(Map<UUID, Row> rows, Set<Long> seqs) {}

    /**
     * {@link #CLAIM} for a batch of removals, in one statement: the reservations {@code seqs} (of
     * the organizations {@code seqOrgs}, position by position) taken out, and the rows of
     * {@code orgIds} read. The caller holds each organization's lock shared already
     * ({@link #lockSharedWithoutWaiting}, an earlier statement of the transaction), so the read
     * comes after it.
     */
    ClaimedAll claimAll(Connection c, List<UUID> orgIds, List<Long> seqs, List<UUID> seqOrgs) throws SQLException {
        Map<UUID, Row> rows = new HashMap<>();
        Set<Long> claimed = new HashSet<>();
        Sql.list(c, """
                with claimed as (delete from safeguard_reservations r
                                  using unnest(?::bigint[], ?::uuid[]) as t(id, org_id)
                                  where r.id = t.id and r.org_id = t.org_id returning r.id)
                select o.org as claimed_org, (select coalesce(array_agg(id), '{}') from claimed) as claimed_ids, s.*
                  from unnest(?::uuid[]) as o(org) left join safeguard_settings s on s.org_id = o.org""",
                rs -> {
                    rows.put(rs.getObject("claimed_org", UUID.class), joinedRow(rs));
                    for (Long id : (Long[]) rs.getArray("claimed_ids").getArray()) claimed.add(id);
                    return true;
                },
                c.createArrayOf("bigint", seqs.toArray()), c.createArrayOf("uuid", seqOrgs.toArray()),
                c.createArrayOf("uuid", orgIds.toArray()));
        return new ClaimedAll(rows, claimed);
    }

    private static Claimed claimed(ResultSet rs) throws SQLException {
        return new Claimed(joinedRow(rs), rs.getLong("claimed") == 1);
    }

    /** The settings row from a left join: the defaults when the organization has none. */
    private static Row joinedRow(ResultSet rs) throws SQLException {
        return rs.getObject("window_seconds") == null ? Row.DEFAULT : row(rs);
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(new SafeguardSettings(rs.getBoolean("enabled"), rs.getInt("max_percent"), rs.getInt("max_count"),
                Duration.ofSeconds(rs.getInt("window_seconds"))),
                Sql.optionalInstant(rs, "tripped_at"), Optional.ofNullable(rs.getString("trip_reason")),
                Optional.ofNullable((Long) rs.getObject("trip_seq")),
                Optional.ofNullable((Long) rs.getObject("base_active")), Sql.optionalInstant(rs, "base_at"));
    }

    void saveSettings(Connection c, UUID orgId, SafeguardSettings s) throws SQLException {
        // Turning the safeguard off also ends a trip: nothing is held any more; what was held stays listed.
        Sql.update(c, """
                insert into safeguard_settings (org_id, enabled, max_percent, max_count, window_seconds)
                values (?, ?, ?, ?, ?)
                on conflict (org_id) do update set enabled = excluded.enabled, max_percent = excluded.max_percent,
                    max_count = excluded.max_count, window_seconds = excluded.window_seconds, updated_at = now(),
                    tripped_at = case when excluded.enabled then safeguard_settings.tripped_at end,
                    trip_reason = case when excluded.enabled then safeguard_settings.trip_reason end,
                    trip_seq = case when excluded.enabled then safeguard_settings.trip_seq end""",
                orgId, s.enabled(), s.maxPercent(), s.maxCount(), (int) s.window().toSeconds());
    }

    /** A reservation: its row's id (the order of counting), its bucket, the removals within the window with it, a new bucket. */
    record Reserved(long seq, Instant minute, long rank, Duration window, boolean newMinute) {}

    /**
     * Counts {@code removals} removals in this minute's bucket and records a reservation for each
     * (a batch of deactivations counts its organization's at once), in one round trip on an
     * autocommit connection; nothing when the safeguard is off or has tripped. Two
     * statements sent together ({@link #together}), so they are one transaction, committed when
     * the second is done: the first takes the organization's count lock, the second (whose
     * snapshot begins after the lock, so it sees every reservation before it, in any minute)
     * counts and sums the window. So reservations are counted one after another, and the lock
     * and the hot bucket row are held for the statement's execution only, never across a round
     * trip to the server.
     *
     * <p>Why {@code synchronous_commit = off} is safe here: a reservation lost in a crash before
     * its commit reached the disk belongs to a removal that had not committed yet either (the
     * removal's transaction starts after the reservation's commit, commits synchronously, and the
     * WAL is written in order, so a removal that commits durably has made its reservation durable
     * too). What is lost is only a reservation whose removal never happened. So the commit does
     * not wait for an fsync with the count lock held.
     */
    List<Reserved> reserve(Connection c, UUID orgId, int removals) throws SQLException {
        // The n reservations of one statement are counted as n in a row: their ranks follow the
        // order of their ids, the last one's is the bucket's new count plus the window's other minutes.
        return Sql.together(c, """
                select set_config('synchronous_commit', 'off', true),
                       pg_advisory_xact_lock(hashtextextended('safeguard-count:' || ?::text, 0));
                with s as (
                    select coalesce(max(window_seconds), ?) as window_seconds,
                           coalesce(bool_and(enabled and tripped_at is null), true) as counting
                      from safeguard_settings where org_id = ?),
                counted as (
                    insert into safeguard_removals as r (org_id, minute, removed)
                    select ?, date_trunc('minute', now()), ? from s where s.counting
                    on conflict (org_id, minute) do update set removed = r.removed + excluded.removed
                    returning r.minute, r.removed, r.xmax = 0 as fresh),
                ticket as (
                    insert into safeguard_reservations (org_id, minute)
                    select ?, minute from counted, generate_series(1, ?) returning id),
                others as (
                    select coalesce(sum(w.removed), 0) as removed from safeguard_removals w, s, counted c
                     where w.org_id = ? and w.minute > now() - make_interval(secs => s.window_seconds) and w.minute <> c.minute)
                select ticket.id, c.minute, c.fresh, s.window_seconds,
                       c.removed - ? + row_number() over (order by ticket.id) + others.removed as rank
                  from counted c, ticket, s, others
                 order by ticket.id""",
                List.of(orgId, (int) SafeguardSettings.DEFAULTS.window().toSeconds(), orgId, orgId, removals, orgId, removals,
                        orgId, removals),
                rs -> new Reserved(rs.getLong("id"), Sql.instant(rs, "minute"), rs.getLong("rank"),
                        Duration.ofSeconds(rs.getInt("window_seconds")), rs.getBoolean("fresh")));
    }

    /**
     * The organizations' locks taken shared, as {@link #lockSharedAndClaim} takes each, but without
     * waiting: those whose lock an admin's action holds (or waits for) are not among the returned.
     */
    java.util.Set<UUID> lockSharedWithoutWaiting(Connection c, java.util.Collection<UUID> orgIds) throws SQLException {
        List<UUID> entered = Sql.list(c, """
                select o, pg_try_advisory_xact_lock_shared(hashtextextended('safeguard:' || o::text, 0)) as entered
                  from unnest(?::uuid[]) o""",
                rs -> rs.getBoolean("entered") ? rs.getObject("o", UUID.class) : null,
                c.createArrayOf("uuid", orgIds.toArray()));
        return entered.stream().filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** {@link Sql#together}: statements sent together, one transaction on an autocommit connection; the last one's first row. */
    static <T> Optional<T> together(Connection c, String sql, Sql.RowMapper<T> mapper, Object... params) throws SQLException {
        return Sql.together(c, sql, java.util.Arrays.asList(params), mapper).stream().findFirst();
    }

    /** Sweeps the organization's buckets and stray reservations that no window reaches any more (once a minute, on its first removal). */
    void sweep(Connection c, UUID orgId) throws SQLException {
        Sql.update(c, """
                with old_reservations as (delete from safeguard_reservations where org_id = ? and minute < now() - make_interval(secs => ?))
                delete from safeguard_removals where org_id = ? and minute < now() - make_interval(secs => ?)""",
                orgId, SWEEP_AFTER_SECONDS, orgId, SWEEP_AFTER_SECONDS);
    }

    /** Takes back the 1 of a reservation this transaction claimed ({@link #lockSharedAndClaim}) for a removal it does not apply. */
    void uncount(Connection c, UUID orgId, Instant minute) throws SQLException {
        Sql.update(c, "update safeguard_removals set removed = removed - 1 where org_id = ? and minute = ? and removed > 0",
                orgId, minute);
    }

    /**
     * Gives a reservation back if it is still there (its removal's transaction rolled back, or
     * was never needed): its row and its 1 go together, in one statement (on an autocommit
     * connection, one round trip). Asynchronous commit, as the reservation's:
     * a give-back lost in a crash leaves the count 1 too high, on the safe side.
     */
    void giveBack(Connection c, long seq) throws SQLException {
        Sql.find(c, """
                with gone as (delete from safeguard_reservations where id = ? returning org_id, minute),
                back as (update safeguard_removals r set removed = r.removed - 1 from gone
                          where r.org_id = gone.org_id and r.minute = gone.minute and r.removed > 0)
                select set_config('synchronous_commit', 'off', true)""", rs -> true, seq);
    }

    /**
     * The active accounts when the window began, in one snapshot: those active now, plus the
     * removals counted within the window, minus the reservations whose removal has not committed
     * yet (their accounts are still active, so they are in the first term already).
     */
    long activeAtWindowStart(Connection c, UUID orgId, Duration window) throws SQLException {
        return Sql.count(c, """
                select (select count(*) from managed_accounts where org_id = ? and status = 'active')
                     + (select coalesce(sum(removed), 0) from safeguard_removals
                         where org_id = ? and minute > now() - make_interval(secs => ?))
                     - (select count(*) from safeguard_reservations where org_id = ? and minute > now() - make_interval(secs => ?))""",
                List.of(orgId, orgId, window.toSeconds(), orgId, window.toSeconds()));
    }

    /** One removal counts the active accounts for the percent rule: this waits until no other is counting. */
    void lockBase(Connection c, UUID orgId) throws SQLException {
        Sql.find(c, "select pg_advisory_xact_lock(hashtextextended('safeguard-base:' || ?::text, 0))", rs -> true, orgId);
    }

    /** {@link #lockBase} without waiting: false when another removal is counting. */
    boolean tryLockBase(Connection c, UUID orgId) throws SQLException {
        return Sql.find(c, "select pg_try_advisory_xact_lock(hashtextextended('safeguard-base:' || ?::text, 0))",
                rs -> rs.getBoolean(1), orgId).orElseThrow();
    }

    void saveBase(Connection c, UUID orgId, long base) throws SQLException {
        Sql.update(c, """
                insert into safeguard_settings (org_id, base_active, base_at) values (?, ?, now())
                on conflict (org_id) do update set base_active = excluded.base_active, base_at = excluded.base_at""", orgId, base);
    }

    /**
     * Trips the safeguard at reservation {@code seq}, unless another removal tripped it first
     * (false: then its reason stands and this removal is simply held).
     */
    boolean trip(Connection c, UUID orgId, String reason, long seq) throws SQLException {
        return Sql.update(c, """
                insert into safeguard_settings (org_id, tripped_at, trip_reason, trip_seq) values (?, now(), ?, ?)
                on conflict (org_id) do update set tripped_at = excluded.tripped_at, trip_reason = excluded.trip_reason,
                    trip_seq = excluded.trip_seq
                 where safeguard_settings.tripped_at is null""", orgId, reason, seq) == 1;
    }

    /**
     * Ends a trip: nothing is held from now on, and the window counts afresh (what was held and
     * released is not counted). Reservations not yet applied are voided: their removals reserve
     * again. Under the count lock too, so a reservation counts either before or after this, never
     * with half of it.
     *
     * <p>The percent rule's count of active accounts is made here, for the window that starts now
     * (no removal or reservation in it: the active accounts are all of it). The admin's action
     * holds the organization's lock exclusively, so no removal is in its transaction meanwhile.
     * Left to the first removals after the resume, they all waited for that count (about 0.2 s at
     * a million accounts), since the last one no longer described the window (bench/README.md,
     * eighth round); the admin's click pays it once instead.
     */
    void resume(Connection c, UUID orgId) throws SQLException {
        Sql.find(c, "select pg_advisory_xact_lock(hashtextextended('safeguard-count:' || ?::text, 0))", rs -> true, orgId);
        Sql.update(c, """
                update safeguard_settings set tripped_at = null, trip_reason = null, trip_seq = null, base_at = now(),
                       base_active = (select count(*) from managed_accounts where org_id = ? and status = 'active')
                 where org_id = ?""", orgId, orgId);
        Sql.update(c, "delete from safeguard_removals where org_id = ?", orgId);
        Sql.update(c, "delete from safeguard_reservations where org_id = ?", orgId);
    }

    /** Records a held change; the IdP's retry of a change for the same user replaces it and counts the request. */
    void hold(Connection c, UUID orgId, UUID scimId, UUID accountId, String email, HeldChange.Kind kind, long version,
              Optional<AccountProfile> profile, Actor actor) throws SQLException {
        Sql.update(c, """
                insert into held_changes (id, org_id, scim_id, account_id, email, kind, version, profile, actor)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (org_id, scim_id) do update set account_id = excluded.account_id, email = excluded.email,
                    kind = excluded.kind, version = excluded.version, profile = excluded.profile, actor = excluded.actor,
                    last_sent_at = now(), requests = held_changes.requests + 1""",
                UUID.randomUUID(), orgId, scimId, accountId, email, kind.dbValue(), version,
                profile.map(SafeguardStore::json).orElse(null), actor.text());
    }

    long countHeld(Connection c, UUID orgId) throws SQLException {
        return Sql.count(c, "select count(*) from held_changes where org_id = ?", List.of(orgId));
    }

    private static final String SELECT = """
            select h.*, a.version as current_version
              from held_changes h
              left join managed_accounts a on a.id = h.account_id and a.scim_id = h.scim_id
            """;

    /** A page of held changes, oldest first, after the change {@code after} (keyset on (held_at, id)). */
    List<HeldChange> page(Connection c, UUID orgId, Optional<UUID> after, int limit) throws SQLException {
        if (after.isEmpty()) {
            return Sql.list(c, SELECT + " where h.org_id = ? order by h.held_at, h.id limit ?", SafeguardStore::held, orgId, limit);
        }
        return Sql.list(c, SELECT + """
                 where h.org_id = ? and (h.held_at, h.id) > (select held_at, id from held_changes where org_id = ? and id = ?)
                 order by h.held_at, h.id limit ?""", SafeguardStore::held, orgId, orgId, after.get(), limit);
    }

    Optional<HeldChange> find(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.find(c, SELECT + " where h.org_id = ? and h.id = ?", SafeguardStore::held, orgId, id);
    }

    /** Whether the row was still there: two admins releasing one change apply it once. */
    boolean delete(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.update(c, "delete from held_changes where org_id = ? and id = ?", orgId, id) == 1;
    }

    int deleteAll(Connection c, UUID orgId) throws SQLException {
        return Sql.update(c, "delete from held_changes where org_id = ?", orgId);
    }

    private static HeldChange held(ResultSet rs) throws SQLException {
        String profile = rs.getString("profile");
        return new HeldChange(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class),
                rs.getObject("scim_id", UUID.class), rs.getObject("account_id", UUID.class), rs.getString("email"),
                HeldChange.Kind.parse(rs.getString("kind")), rs.getLong("version"),
                Optional.ofNullable(profile).map(SafeguardStore::profile), Actor.parse(rs.getString("actor")),
                Sql.instant(rs, "held_at"), Sql.instant(rs, "last_sent_at"), rs.getInt("requests"),
                Optional.ofNullable((Long) rs.getObject("current_version")));
    }

    /** The profile as stored: {"email", "externalId", "displayName", "active", "attributes"}. */
    private static Sql.Json json(AccountProfile p) {
        ObjectNode o = ScimJson.MAPPER.createObjectNode();
        o.put("email", p.email());
        p.externalId().ifPresent(v -> o.put("externalId", v));
        p.displayName().ifPresent(v -> o.put("displayName", v));
        p.active().ifPresent(v -> o.put("active", v));
        o.set("attributes", p.attributes());
        try {
            return new Sql.Json(ScimJson.MAPPER.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static AccountProfile profile(String text) {
        try {
            ObjectNode o = (ObjectNode) ScimJson.MAPPER.readTree(text);
            return new AccountProfile(o.get("email").asText(), Optional.ofNullable(o.get("externalId")).map(n -> n.asText()),
                    Optional.ofNullable(o.get("displayName")).map(n -> n.asText()),
                    Optional.ofNullable(o.get("active")).map(n -> n.asBoolean()), (ObjectNode) o.get("attributes"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("held_changes.profile is JSON this class wrote", e);
        }
    }
}
