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
            if (UniqueViolation.isUniqueViolation(e)) throw new UniqueViolation(e);
            throw translate(e);
        }
    }

    /**
     * Writes that commit by themselves (autocommit): each statement is its own transaction, and
     * statements sent together in one round trip are one, committed at their end. For a short
     * write whose locks must not be held across a round trip (the safeguard's count), and for a
     * change that is one statement (a SCIM create): no COMMIT of its own, one round trip fewer.
     */
    public <T, X extends Exception> T autocommit(Work<T, X> work) throws X {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            if (UniqueViolation.isUniqueViolation(e)) throw new UniqueViolation(e);
            throw translate(e);
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
            throw translate(e);
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
            throw translate(e);
        }
    }

    /**
     * lock_timeout (55P03), statement_timeout (57014) and a pool with no free connection are
     * "not now", not a server fault: the client is told to retry (503 with Retry-After) instead of
     * a 500, and one request stuck behind a row lock never holds a connection for long.
     */
    static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("55P03") || state.equals("57014") || e instanceof java.sql.SQLTransientConnectionException) {
            return new dev.lanyard.domain.DomainException.Busy("the database could not serve this in time (the record is "
                    + "being changed by another request, or the server is busy); retry in a moment", 1);
        }
        return new StorageException(e);
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
