package dev.lanyard.console;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** SQL for console_admins. */
final class AdminUserStore {
    /** An admin with the hash to check a password against; never leaves this package. */
    record WithHash(AdminUser admin, String passwordHash) {}

    void insert(Connection c, AdminUser a, String passwordHash) throws SQLException {
        Sql.update(c, "insert into console_admins (id, org_id, email, password_hash, created_at) values (?, ?, ?, ?, ?)",
                a.id(), a.orgId(), a.email(), passwordHash, a.createdAt());
    }

    /** Served by the unique index on (org_id, lower(email)). */
    Optional<WithHash> findByEmail(Connection c, UUID orgId, String email) throws SQLException {
        return Sql.find(c, "select id, org_id, email, created_at, password_hash from console_admins "
                        + "where org_id = ? and lower(email) = lower(?)",
                rs -> new WithHash(new AdminUser(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class),
                        rs.getString("email"), Sql.instant(rs, "created_at")), rs.getString("password_hash")),
                orgId, email);
    }
}
