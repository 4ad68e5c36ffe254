package dev.lanyard.orgadmin;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** SQL for console_sessions; {@code id} is the SHA-256 of the cookie value. */
final class SessionStore {

    void insert(Connection c, byte[] id, UUID adminId, String csrfToken, Duration idle) throws SQLException {
        Sql.update(c, "insert into console_sessions (id, admin_id, expires_at, csrf_token) "
                + "values (?, ?, now() + make_interval(secs => ?), ?)", id, adminId, idle.toSeconds(), csrfToken);
    }

    /** An operator's session: no admin, and no organization until one is opened. */
    void insertOperator(Connection c, byte[] id, String csrfToken, Duration idle) throws SQLException {
        Sql.update(c, "insert into console_sessions (id, operator, expires_at, csrf_token) "
                + "values (?, true, now() + make_interval(secs => ?), ?)", id, idle.toSeconds(), csrfToken);
    }

    /** The organization an operator's session acts on from now on. */
    void openOrganization(Connection c, byte[] id, UUID orgId) throws SQLException {
        Sql.update(c, "update console_sessions set org_id = ? where id = ? and operator", orgId, id);
    }

    /** A live session with its admin (none for the operator) and organization. */
    Optional<ConsoleSession> find(Connection c, byte[] id) throws SQLException {
        return Sql.find(c, """
                select s.admin_id, coalesce(a.email, 'operator') as email, o.id as org_id, o.name as org_name,
                       s.csrf_token, coalesce(a.must_change_password, false) as must_change_password,
                       exists (select 1 from safeguard_settings g where g.org_id = o.id and g.tripped_at is not null)
                           as safeguard_tripped
                  from console_sessions s
                  left join console_admins a on a.id = s.admin_id
                  left join organizations o on o.id = coalesce(a.org_id, s.org_id)
                 where s.id = ? and s.expires_at > now() and s.ended is null""",
                rs -> new ConsoleSession(Sql.optionalUuid(rs, "admin_id"), rs.getString("email"),
                        rs.getObject("org_id", UUID.class), rs.getString("org_name"), rs.getString("csrf_token"),
                        rs.getBoolean("must_change_password"), rs.getBoolean("safeguard_tripped")),
                id);
    }

    /**
     * Pushes the idle expiry forward, never past the absolute limit. Written at most once a
     * minute per session, so browsing the console is not a stream of writes.
     */
    void extend(Connection c, byte[] id, Duration idle, Duration absolute) throws SQLException {
        Sql.update(c, """
                update console_sessions
                   set expires_at = least(created_at + make_interval(secs => ?), now() + make_interval(secs => ?))
                 where id = ? and expires_at > now()
                   and expires_at < least(created_at + make_interval(secs => ?), now() + make_interval(secs => ?))
                                    - interval '1 minute'""",
                absolute.toSeconds(), idle.toSeconds(), id, absolute.toSeconds(), idle.toSeconds());
    }

    void delete(Connection c, byte[] id) throws SQLException {
        Sql.update(c, "delete from console_sessions where id = ?", id);
    }

    /**
     * Ends every session of the admin but the one with id {@code keep}: they open nothing any more,
     * and the row stays (until its expiry) only to tell that browser why ({@link #endReason}).
     */
    void endOthers(Connection c, UUID adminId, byte[] keep) throws SQLException {
        Sql.update(c, "update console_sessions set ended = 'password_changed' where admin_id = ? and id <> ? and ended is null",
                adminId, keep);
    }

    /** Ends every session of the admin (the operator reset the password), keeping the reason as above. */
    void endAll(Connection c, UUID adminId) throws SQLException {
        Sql.update(c, "update console_sessions set ended = 'password_reset' where admin_id = ? and ended is null", adminId);
    }

    /** Why the session with this id ended early, if it did and has not expired since. */
    Optional<String> endReason(Connection c, byte[] id) throws SQLException {
        return Sql.find(c, "select ended from console_sessions where id = ? and expires_at > now() and ended is not null",
                rs -> rs.getString("ended"), id);
    }

    void deleteExpired(Connection c) throws SQLException {
        Sql.update(c, "delete from console_sessions where expires_at <= now()");
    }
}
