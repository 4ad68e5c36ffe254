package dev.lanyard.orgadmin;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for console_admins. */
final class AdminUserStore {
    private static final String COLUMNS = "id, org_id, email, created_at, password_hash, "
            + "(password_expires_at is not null and password_expires_at < now()) as password_expired";
    /** How long a one-time password works. */
    static final java.time.Duration ONE_TIME_VALIDITY = java.time.Duration.ofHours(24);

    /** An admin with the hash to check a password against; never leaves this package. */
    record WithHash(AdminUser admin, String passwordHash, boolean passwordExpired) {}

    void insert(Connection c, AdminUser a, String passwordHash) throws SQLException {
        // Created with a one-time password (AdminUserService.create), which the admin replaces at once.
        Sql.update(c, "insert into console_admins (id, org_id, email, password_hash, created_at, must_change_password, "
                + "password_expires_at) values (?, ?, ?, ?, ?, true, now() + make_interval(secs => ?))",
                a.id(), a.orgId(), a.email(), passwordHash, a.createdAt(), ONE_TIME_VALIDITY.toSeconds());
    }

    /** The organization's admins by email, at most {@code limit}; whether each still has a one-time password. */
    java.util.List<AdminUserService.Listed> list(Connection c, UUID orgId, int limit) throws SQLException {
        return Sql.list(c, "select id, org_id, email, created_at, must_change_password from console_admins where org_id = ? "
                + "order by lower(email), id limit ?", rs -> new AdminUserService.Listed(new AdminUser(rs.getObject("id", UUID.class),
                rs.getObject("org_id", UUID.class), rs.getString("email"), rs.getTimestamp("created_at").toInstant()),
                rs.getBoolean("must_change_password")), orgId, limit);
    }

    /** Served by the primary key. */
    Optional<WithHash> findById(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from console_admins where id = ?", AdminUserStore::map, id);
    }

    /** Whether the admin still has to replace a one-time password; locks the row until the transaction ends. */
    boolean mustChangePassword(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select must_change_password from console_admins where id = ? for update",
                rs -> rs.getBoolean(1), id).orElse(false);
    }

    /** @param oneTime a password the operator handed out: the admin must choose their own at the next sign-in */
    void setPasswordHash(Connection c, UUID id, String passwordHash, boolean oneTime) throws SQLException {
        Sql.update(c, "update console_admins set password_hash = ?, must_change_password = ?, password_expires_at = "
                + "case when ? then now() + make_interval(secs => ?) end where id = ?",
                passwordHash, oneTime, oneTime, ONE_TIME_VALIDITY.toSeconds(), id);
    }

    /** The emails of the organization's admins among {@code ids}. */
    Map<UUID, String> emails(Connection c, UUID orgId, Collection<UUID> ids) throws SQLException {
        Map<UUID, String> emails = new HashMap<>();
        for (Object[] row : Sql.list(c, "select id, email from console_admins where org_id = ? and id = any(?)",
                rs -> new Object[] {rs.getObject(1, UUID.class), rs.getString(2)}, orgId, c.createArrayOf("uuid", ids.toArray()))) {
            emails.put((UUID) row[0], (String) row[1]);
        }
        return emails;
    }

    /** Served by the unique index on (org_id, lower(email)). */
    /** Locks the organization's admins (so two removals cannot leave none); returns how many there are. */
    int lockAll(Connection c, UUID orgId) throws SQLException {
        return Sql.list(c, "select id from console_admins where org_id = ? for update", rs -> 1, orgId).size();
    }

    void delete(Connection c, UUID id) throws SQLException {
        Sql.update(c, "delete from console_admins where id = ?", id);
    }

    Optional<WithHash> findByEmail(Connection c, UUID orgId, String email) throws SQLException {
        return Sql.find(c, "select " + COLUMNS + " from console_admins where org_id = ? and lower(email) = lower(?)",
                AdminUserStore::map, orgId, email);
    }

    private static WithHash map(ResultSet rs) throws SQLException {
        return new WithHash(new AdminUser(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class),
                rs.getString("email"), Sql.instant(rs, "created_at")), rs.getString("password_hash"),
                rs.getBoolean("password_expired"));
    }
}
