package dev.lanyard.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the server needs to start, read once and validated before anything opens.
 *
 * @param host        address to bind; 127.0.0.1 by default so a fresh install is not exposed by accident
 * @param port        HTTP port; 0 picks a free one (tests)
 * @param dataDir     folder for the embedded database and the operator token
 * @param publicUrl   the URL IdPs use to reach this server (behind a proxy it differs from host:port);
 *                    empty means "derive from host and port"
 * @param databaseUrl a JDBC URL of an external PostgreSQL server; empty means embedded PostgreSQL
 * @param logRetentionDays days the provisioning log keeps each request
 * @param dbPoolSize  database connections the server holds at most (HikariCP's maximumPoolSize)
 * @param eventRetentionDays days the apps' event feed keeps each event (docs/events.md)
 * @param auditRetentionDays days the audit trail keeps each entry (LANYARD_AUDIT_RETENTION_DAYS)
 */
public record Settings(String host, int port, Path dataDir, Optional<URI> publicUrl, Optional<String> databaseUrl,
                       int logRetentionDays, int dbPoolSize, int eventRetentionDays, int auditRetentionDays) {
    /** How long an organization's audit trail keeps an entry: a little over a year, so a yearly review sees a whole year. */
    public static final int DEFAULT_AUDIT_RETENTION_DAYS = 400;
    public static final int MAX_AUDIT_RETENTION_DAYS = 3650;

    public static final int DEFAULT_PORT = 8080;
    /** How long the provisioning log keeps what the IdP sent (LANYARD_LOG_RETENTION_DAYS). */
    public static final int DEFAULT_LOG_RETENTION_DAYS = 30;
    /** Connections to the database (LANYARD_DB_POOL_SIZE); requests run on virtual threads and wait for one. */
    public static final int DEFAULT_DB_POOL_SIZE = 16;
    public static final int MAX_DB_POOL_SIZE = 200;
    /** How long the apps' event feed keeps each event (LANYARD_EVENT_RETENTION_DAYS). */
    public static final int DEFAULT_EVENT_RETENTION_DAYS = 30;

    public Settings(String host, int port, Path dataDir, Optional<URI> publicUrl, Optional<String> databaseUrl) {
        this(host, port, dataDir, publicUrl, databaseUrl, DEFAULT_LOG_RETENTION_DAYS);
    }

    public Settings(String host, int port, Path dataDir, Optional<URI> publicUrl, Optional<String> databaseUrl,
                    int logRetentionDays) {
        this(host, port, dataDir, publicUrl, databaseUrl, logRetentionDays, DEFAULT_DB_POOL_SIZE);
    }

    public Settings(String host, int port, Path dataDir, Optional<URI> publicUrl, Optional<String> databaseUrl,
                    int logRetentionDays, int dbPoolSize) {
        this(host, port, dataDir, publicUrl, databaseUrl, logRetentionDays, dbPoolSize, DEFAULT_EVENT_RETENTION_DAYS,
                DEFAULT_AUDIT_RETENTION_DAYS);
    }

    public Settings(String host, int port, Path dataDir, Optional<URI> publicUrl, Optional<String> databaseUrl,
                    int logRetentionDays, int dbPoolSize, int eventRetentionDays) {
        this(host, port, dataDir, publicUrl, databaseUrl, logRetentionDays, dbPoolSize, eventRetentionDays, DEFAULT_AUDIT_RETENTION_DAYS);
    }

    public Settings {
        if (auditRetentionDays < 1 || auditRetentionDays > MAX_AUDIT_RETENTION_DAYS) {
            throw new InvalidSettingException("LANYARD_AUDIT_RETENTION_DAYS", "must be between 1 and " + MAX_AUDIT_RETENTION_DAYS
                    + " days, got " + auditRetentionDays);
        }
        if (logRetentionDays < 1 || logRetentionDays > 3650) {
            throw new InvalidSettingException("LANYARD_LOG_RETENTION_DAYS", "must be between 1 and 3650 days, got " + logRetentionDays);
        }
        if (eventRetentionDays < 1 || eventRetentionDays > 3650) {
            throw new InvalidSettingException("LANYARD_EVENT_RETENTION_DAYS", "must be between 1 and 3650 days, got " + eventRetentionDays);
        }
        if (dbPoolSize < 1 || dbPoolSize > MAX_DB_POOL_SIZE) {
            throw new InvalidSettingException("LANYARD_DB_POOL_SIZE", "must be between 1 and " + MAX_DB_POOL_SIZE
                    + " connections, got " + dbPoolSize);
        }
        if (host == null || host.isBlank()) throw new InvalidSettingException("--host / LANYARD_HOST", "must not be empty");
        if (port < 0 || port > 65535) throw new InvalidSettingException("--port / LANYARD_PORT", "must be between 0 and 65535, got " + port);
        if (dataDir == null) throw new InvalidSettingException("--data / LANYARD_DATA", "must be a folder");
        dataDir = dataDir.toAbsolutePath().normalize();
        publicUrl.ifPresent(u -> {
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new InvalidSettingException("--public-url / LANYARD_PUBLIC_URL", "must be an absolute http(s) URL, got " + u);
            }
        });
        databaseUrl.ifPresent(u -> {
            if (!u.startsWith("jdbc:postgresql:")) {
                throw new InvalidSettingException("LANYARD_DATABASE_URL", "must start with jdbc:postgresql:, got " + u.replaceAll("password=[^&]*", "password=***"));
            }
        });
    }

    /** Public base URL without a trailing slash, from the setting or from the bound port. */
    public String baseUrl(int boundPort) {
        return publicUrl.map(u -> u.toString().replaceAll("/+$", ""))
                .orElseGet(() -> "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + boundPort);
    }

    /** A setting that cannot be used; the message names the key so the operator can fix it. */
    public static final class InvalidSettingException extends RuntimeException {
        public InvalidSettingException(String key, String problem) {
            super(key + " " + problem);
        }
    }
}
