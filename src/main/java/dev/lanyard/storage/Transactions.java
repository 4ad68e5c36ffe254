package dev.lanyard.storage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a unit of work on one connection in one transaction: commit when it returns, roll back
 * when it throws. A feature service's public method is one call to {@link #inTransaction}, so one
 * HTTP request is one transaction and a failure half-way changes nothing.
 */
public final class Transactions {
    /** Work that runs on a connection and may fail with SQL or domain exceptions. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    public Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw UniqueViolation.isUniqueViolation(e)
                    ? new UniqueViolation(e)
                    : new StorageException(e);
        }
    }

    /** A read: autocommit, no explicit transaction (one statement sees one snapshot). */
    public <T> T read(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            try {
                return work.run(c);
            } finally {
                c.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
