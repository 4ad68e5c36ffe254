package dev.lanyard.storage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a unit of work on one connection in one transaction: commit when it returns, roll back
 * when it throws. A feature service's public method is one call to {@link #inTransaction}, so one
 * HTTP request is one transaction and a failure half-way changes nothing.
 *
 * <p>Generic in the checked exception the work may throw besides SQL's, as Jdbi's
 * {@code inTransaction(HandleCallback<R, X>) throws X}: a caller's own checked exception (a SCIM
 * error from a PATCH computed under the row lock) passes through unwrapped, after the rollback.
 */
public final class Transactions {
    /** Work that runs on a connection and may fail with SQL exceptions, unchecked ones, or {@code X}. */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        T run(Connection connection) throws SQLException, X;
    }

    private final DataSource dataSource;

    public Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T, X extends Exception> T inTransaction(Work<T, X> work) throws X {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                rollbackQuietly(c, e);
                throw e;  // precisely what work.run and commit throw: SQLException, X, unchecked
            }
        } catch (SQLException e) {
            throw UniqueViolation.isUniqueViolation(e)
                    ? new UniqueViolation(e)
                    : new StorageException(e);
        }
    }

    /** A read: autocommit, no explicit transaction (one statement sees one snapshot). */
    public <T, X extends Exception> T read(Work<T, X> work) throws X {
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

    /**
     * Several reads that must agree (a list's count and its page): one read-only transaction at
     * REPEATABLE READ, so every statement sees the same snapshot; nothing can be written in it.
     */
    public <T, X extends Exception> T readSnapshot(Work<T, X> work) throws X {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(true);
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
