package dev.lanyard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A fresh, empty PostgreSQL database per test class, on the server this run targets:
 * the embedded one (default) or, with {@code -Dlanyard.test.database=external}, the server in
 * LANYARD_TEST_DATABASE_URL. The *IT suite runs once per target (see pom.xml).
 */
public final class TestDb {
    private static EmbeddedPostgres embedded;

    private TestDb() {}

    public static boolean external() {
        return "external".equals(System.getProperty("lanyard.test.database", "embedded"));
    }

    /** Creates a new database and returns its JDBC URL. */
    public static synchronized String createDatabase() {
        String name = "lanyard_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String adminUrl = adminUrl();
        try (Connection c = DriverManager.getConnection(adminUrl); var s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + describe(), e);
        }
        return withDatabase(adminUrl, name);
    }

    /** Drops a database made by {@link #createDatabase} (its connections must be closed). */
    public static synchronized void dropDatabase(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.indexOf('/', "jdbc:postgresql://".length()) + 1);
        String name = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (!name.startsWith("lanyard_it_")) return;
        try (Connection c = DriverManager.getConnection(adminUrl()); var s = c.createStatement()) {
            s.execute("drop database if exists " + name);
        } catch (SQLException e) {
            // Leaving a throwaway database behind is not worth failing a test run for.
        }
    }

    public static String describe() {
        return external() ? "LANYARD_TEST_DATABASE_URL" : "embedded PostgreSQL";
    }

    private static String adminUrl() {
        if (external()) {
            String url = System.getenv("LANYARD_TEST_DATABASE_URL");
            if (url == null || url.isBlank()) {
                throw new IllegalStateException("lanyard.test.database=external needs LANYARD_TEST_DATABASE_URL");
            }
            return url;
        }
        if (embedded == null) {
            try {
                // Test databases are throwaway: the library's fast, non-durable defaults are right here.
                embedded = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    /** jdbc:postgresql://host:port/db?params with db replaced. */
    static String withDatabase(String url, String database) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }
}
