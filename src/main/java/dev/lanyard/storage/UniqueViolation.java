package dev.lanyard.storage;

import java.sql.SQLException;

/**
 * A unique index refused a write (SQLSTATE 23505). Services map it to their own conflict
 * (a SCIM 409 uniqueness); the database, not a read-then-write check, decides races.
 */
public final class UniqueViolation extends StorageException {
    public UniqueViolation(SQLException cause) {
        super(cause);
    }

    static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) return true;
        }
        return false;
    }
}
