package dev.lanyard.storage;

import dev.lanyard.testing.TestDb;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Issue 8 item 1: the embedded PostgreSQL lets nobody in without the secret in the data folder,
 * Lanyard's own role is no superuser, and a data folder from before (trust, everything owned by
 * postgres) is upgraded on start without losing data.
 */
class EmbeddedLockdownIT {
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        assumeFalse(TestDb.external(), "the embedded database is what this test is about");
        data = Files.createTempDirectory("lanyard-lockdown");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (data == null) return;
        try (var paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Issue 8: the tests' own cluster signs in as production's does: no password, no connection. */
    @Test
    void the_test_cluster_asks_for_a_password_too() {
        String address = TestDb.embeddedAddress().orElseThrow();
        assertThatThrownBy(() -> connect("jdbc:postgresql://" + address + "/postgres", "postgres", null))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> connect("jdbc:postgresql://" + address + "/postgres", "postgres", "guess"))
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    @Test
    void a_local_user_without_the_secret_is_refused_and_the_application_role_cannot_run_programs() throws Exception {
        try (Database db = Database.embedded(data)) {
            int port = db.embeddedPort().orElseThrow();
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            // What the review did: connect as the superuser with no password (trust), over TCP.
            assertThatThrownBy(() -> connect(url, "postgres", null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(url, "postgres", "guess")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> connect(url, "lanyard", null)).isInstanceOf(SQLException.class);
            // No socket in /tmp (or anywhere) for a local user to reach.
            assertThat(Files.exists(Path.of("/tmp/.s.PGSQL." + port))).isFalse();
            assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).doesNotContain("trust").doesNotContain("\nlocal");
            assertThat(Files.getPosixFilePermissions(data.resolve("database-secret")))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

            try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                var rs = s.executeQuery("select current_user, rolsuper from pg_roles where rolname = current_user");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("lanyard");
                assertThat(rs.getBoolean(2)).isFalse();
                assertThatThrownBy(() -> s.execute("copy (select 1) to program 'id > /dev/null'"))
                        .isInstanceOf(SQLException.class).hasMessageMatching("(?s).*(permission denied|must be superuser).*");
                assertThatThrownBy(() -> s.execute("select pg_read_file('PG_VERSION')"))
                        .isInstanceOf(SQLException.class).hasMessageMatching("(?s).*(permission denied|must be superuser).*");
                assertThatThrownBy(() -> s.execute("create role mallory superuser"))
                        .isInstanceOf(SQLException.class).hasMessageMatching("(?s).*(permission denied|must be superuser).*");
                // It owns what Flyway made, so later migrations run as it.
                var owners = s.executeQuery("select count(*) from pg_tables where schemaname = 'public' and tableowner <> 'lanyard'");
                owners.next();
                assertThat(owners.getLong(1)).isZero();
            }
        }
        // The second start uses the same secret and the same role.
        try (Database again = Database.embedded(data)) {
            assertThat(again.isReachable()).isTrue();
        }
    }

    @Test
    void an_old_style_trust_data_folder_is_upgraded_on_start_and_keeps_its_data() throws Exception {
        // The data folder as Lanyard made it before: initdb with trust, everything as postgres.
        UUID org = UUID.randomUUID();
        EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres"))
                .setCleanDataDirectory(false).start();
        try (Database before = Database.external(old.getJdbcUrl("postgres", "postgres"))) {
            try (Connection c = before.dataSource().getConnection(); var ps = c.prepareStatement(
                    "insert into organizations (id, name) values (?, 'kept')")) {
                ps.setObject(1, org);
                ps.executeUpdate();
            }
        } finally {
            old.close();
        }
        assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).contains("trust");

        try (Database db = Database.embedded(data)) {
            String hba = Files.readString(data.resolve("postgres/pg_hba.conf"));
            assertThat(hba).doesNotContain("trust").contains("scram-sha-256");
            int port = db.embeddedPort().orElseThrow();
            assertThatThrownBy(() -> connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null))
                    .isInstanceOf(SQLException.class);
            try (Connection c = db.dataSource().getConnection(); var s = c.createStatement()) {
                var rs = s.executeQuery("select name from organizations where id = '" + org + "'");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept");
                var owners = s.executeQuery("select count(*) from pg_tables where schemaname = 'public' and tableowner <> 'lanyard'");
                owners.next();
                assertThat(owners.getLong(1)).isZero();
                // The role can still change what it now owns (a later migration would).
                s.execute("alter table organizations add column upgraded_probe int");
                s.execute("alter table organizations drop column upgraded_probe");
            }
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, p);
    }
}
