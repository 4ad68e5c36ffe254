package dev.lanyard.orgadmin;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sign-in throttling for one organization and email: after {@value #MAX_FAILURES} failed
 * attempts within {@link #WINDOW}, every attempt is refused for {@link #LOCKOUT} without looking
 * at the password. Kept in console_login_attempts (created by V7__console_sessions.sql) so that every server of an
 * installation counts the same attempts and a restart forgets none.
 *
 * <p>An attempt is counted before its password is checked ({@link #begin}) and forgiven when it
 * succeeds ({@link #succeeded}): guesses sent in parallel cannot get past the limit while the
 * first ones are still being checked. Unknown emails and organizations are counted the same way,
 * so the lockout reveals nothing about which admins exist.
 */
public final class LoginThrottle {
    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    public static final Duration LOCKOUT = Duration.ofMinutes(15);

    /** Counts an attempt; the end of the lockout instead when the key is locked out. */
    Optional<Instant> begin(Connection c, byte[] key) throws SQLException {
        // Rows idle longer than a window and a lockout hold nothing that still counts.
        Sql.update(c, "delete from console_login_attempts where updated_at < now() - make_interval(secs => ?)",
                WINDOW.plus(LOCKOUT).toSeconds());
        Sql.update(c, "insert into console_login_attempts (key_hash) values (?) on conflict (key_hash) do nothing", key);
        record State(Instant lockedUntil, int recent) {}
        State state = Sql.find(c, """
                select case when locked_until > now() then locked_until end as locked_until,
                       (select count(*) from unnest(attempts) a where a > now() - make_interval(secs => ?))::int as recent
                  from console_login_attempts where key_hash = ? for update""",
                rs -> new State(Sql.instant(rs, "locked_until"), rs.getInt("recent")),
                WINDOW.toSeconds(), key).orElseThrow();
        if (state.lockedUntil() != null) return Optional.of(state.lockedUntil());
        if (state.recent() >= MAX_FAILURES) return Optional.of(lock(c, key));  // that many still being checked
        Sql.update(c, """
                update console_login_attempts
                   set attempts = array(select a from unnest(attempts) a where a > now() - make_interval(secs => ?)) || now(),
                       locked_until = null, updated_at = now()
                 where key_hash = ?""", WINDOW.toSeconds(), key);
        return Optional.empty();
    }

    /** After a wrong password: locks the key out when this was one failure too many. */
    boolean failed(Connection c, byte[] key) throws SQLException {
        return Sql.update(c, """
                update console_login_attempts
                   set locked_until = now() + make_interval(secs => ?), attempts = '{}', updated_at = now()
                 where key_hash = ?
                   and (select count(*) from unnest(attempts) a where a > now() - make_interval(secs => ?)) >= ?""",
                LOCKOUT.toSeconds(), key, WINDOW.toSeconds(), MAX_FAILURES) == 1;
    }

    /** A right password wipes the slate. */
    void succeeded(Connection c, byte[] key) throws SQLException {
        Sql.update(c, "delete from console_login_attempts where key_hash = ?", key);
    }

    private Instant lock(Connection c, byte[] key) throws SQLException {
        return Sql.find(c, """
                update console_login_attempts
                   set locked_until = now() + make_interval(secs => ?), attempts = '{}', updated_at = now()
                 where key_hash = ? returning locked_until""",
                rs -> Sql.instant(rs, "locked_until"), LOCKOUT.toSeconds(), key).orElseThrow();
    }
}
