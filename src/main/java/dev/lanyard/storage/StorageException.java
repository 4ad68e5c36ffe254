package dev.lanyard.storage;

import java.sql.SQLException;

/** The database failed in a way no request can fix (connection lost, disk full): a 500 / 503. */
public class StorageException extends RuntimeException {
    public StorageException(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
