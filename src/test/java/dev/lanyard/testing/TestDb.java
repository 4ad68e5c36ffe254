package dev.lanyard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static String password;

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

    /** Where the embedded test cluster listens, as host:port (no credentials); empty for an external server. */
    public static java.util.Optional<String> embeddedAddress() {
        if (external()) return java.util.Optional.empty();
        adminUrl();
        return java.util.Optional.of("localhost:" + embedded.getPort());
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
                // Test databases are throwaway: the library's fast, non-durable defaults are right
                // here. Sign-in is as in production (EmbeddedServer): SCRAM passwords over loopback,
                // no trust and no Unix socket, so a test cannot pass only because PostgreSQL let it in.
                password = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(24));
                Path pwfile = Files.createTempFile("lanyard-test-pg", ".pw");
                try {
                    Files.writeString(pwfile, password);
                    embedded = EmbeddedPostgres.builder()
                            .setLocaleConfig("auth-local", "scram-sha-256")
                            .setLocaleConfig("auth-host", "scram-sha-256")
                            .setLocaleConfig("pwfile", pwfile.toString())
                            .setConnectConfig("password", password)
                            .setServerConfig("password_encryption", "scram-sha-256")
                            .setServerConfig("listen_addresses", "localhost")
                            .setServerConfig("unix_socket_directories", "''")
                            .start();
                } finally {
                    Files.deleteIfExists(pwfile);
                }
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
        return "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres?user=postgres&password=" + password;
    }

    /** jdbc:postgresql://host:port/db?params with db replaced. */
    static String withDatabase(String url, String database) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }
}
