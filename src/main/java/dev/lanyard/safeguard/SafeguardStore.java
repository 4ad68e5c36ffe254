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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for safeguard_settings, safeguard_removals and held_changes (V95). */
final class SafeguardStore {
    /** Removal buckets older than the longest window count for nothing any more. */
    private static final long SWEEP_AFTER_SECONDS = SafeguardSettings.MAX_WINDOW.toSeconds() + 3600;

    /** The settings row and the trip state; the defaults when the organization has no row. */
    record Row(SafeguardSettings settings, Optional<Instant> trippedAt, Optional<String> tripReason,
               Optional<Long> baseActive, Optional<Instant> baseAt) {
        static final Row DEFAULT = new Row(SafeguardSettings.DEFAULTS, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /**
     * Serialises the organization's removals until the transaction ends, so two concurrent
     * deactivations cannot both see room for one more (the threshold holds exactly). Taken only
     * by deactivations and deletions, never by other requests.
     */
    void lockOrganization(Connection c, UUID orgId) throws SQLException {
        Sql.find(c, "select pg_advisory_xact_lock(hashtextextended('safeguard:' || ?::text, 0))", rs -> true, orgId);
    }

    Row row(Connection c, UUID orgId) throws SQLException {
        return Sql.find(c, """
                select enabled, max_percent, max_count, window_seconds, tripped_at, trip_reason, base_active, base_at
                  from safeguard_settings where org_id = ?""", rs -> new Row(
                new SafeguardSettings(rs.getBoolean("enabled"), rs.getInt("max_percent"), rs.getInt("max_count"),
                        Duration.ofSeconds(rs.getInt("window_seconds"))),
                Sql.optionalInstant(rs, "tripped_at"), Optional.ofNullable(rs.getString("trip_reason")),
                Optional.ofNullable((Long) rs.getObject("base_active")), Sql.optionalInstant(rs, "base_at")), orgId)
                .orElse(Row.DEFAULT);
    }

    void saveSettings(Connection c, UUID orgId, SafeguardSettings s) throws SQLException {
        // Turning the safeguard off also ends a trip: nothing is held any more; what was held stays listed.
        Sql.update(c, """
                insert into safeguard_settings (org_id, enabled, max_percent, max_count, window_seconds)
                values (?, ?, ?, ?, ?)
                on conflict (org_id) do update set enabled = excluded.enabled, max_percent = excluded.max_percent,
                    max_count = excluded.max_count, window_seconds = excluded.window_seconds, updated_at = now(),
                    tripped_at = case when excluded.enabled then safeguard_settings.tripped_at end,
                    trip_reason = case when excluded.enabled then safeguard_settings.trip_reason end""",
                orgId, s.enabled(), s.maxPercent(), s.maxCount(), (int) s.window().toSeconds());
    }

    /** Removals counted within the window ending now. */
    long removedWithin(Connection c, UUID orgId, Duration window) throws SQLException {
        return Sql.count(c, "select coalesce(sum(removed), 0) from safeguard_removals where org_id = ? "
                + "and minute > now() - make_interval(secs => ?)", List.of(orgId, window.toSeconds()));
    }

    /** Counts one removal in this minute's bucket and sweeps the organization's buckets no window reaches. */
    void countRemoval(Connection c, UUID orgId) throws SQLException {
        Sql.update(c, """
                insert into safeguard_removals (org_id, minute, removed) values (?, date_trunc('minute', now()), 1)
                on conflict (org_id, minute) do update set removed = safeguard_removals.removed + 1""", orgId);
        Sql.update(c, "delete from safeguard_removals where org_id = ? and minute < now() - make_interval(secs => ?)",
                orgId, SWEEP_AFTER_SECONDS);
    }

    long activeAccounts(Connection c, UUID orgId) throws SQLException {
        return Sql.count(c, "select count(*) from managed_accounts where org_id = ? and status = 'active'", List.of(orgId));
    }

    void saveBase(Connection c, UUID orgId, long base) throws SQLException {
        Sql.update(c, """
                insert into safeguard_settings (org_id, base_active, base_at) values (?, ?, now())
                on conflict (org_id) do update set base_active = excluded.base_active, base_at = excluded.base_at""", orgId, base);
    }

    void trip(Connection c, UUID orgId, String reason) throws SQLException {
        Sql.update(c, """
                insert into safeguard_settings (org_id, tripped_at, trip_reason) values (?, now(), ?)
                on conflict (org_id) do update set tripped_at = excluded.tripped_at, trip_reason = excluded.trip_reason""",
                orgId, reason);
    }

    /** Ends a trip: nothing is held from now on, and the window counts afresh (what was held and released is not counted). */
    void resume(Connection c, UUID orgId) throws SQLException {
        Sql.update(c, "update safeguard_settings set tripped_at = null, trip_reason = null, base_at = null where org_id = ?", orgId);
        Sql.update(c, "delete from safeguard_removals where org_id = ?", orgId);
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
