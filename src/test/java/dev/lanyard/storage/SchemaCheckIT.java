package dev.lanyard.storage;

import dev.lanyard.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start on a schema that has every migration skips Flyway (issue 16, Database.isCurrent); any
 * other schema still goes through it: a new database is migrated, a missing migration applied, a
 * schema newer than this build left to Flyway's judgement. And the pool opens one connection at
 * start and the rest only after {@link Database#fillPool} (issue 16: opening 15 SCRAM connections
 * in the background took CPU from the server's start).
 */
class SchemaCheckIT {
    static String url;

    @BeforeAll
    static void create() {
        url = TestDb.createDatabase();
    }

    @AfterAll
    static void drop() {
        TestDb.dropDatabase(url);
    }

    @Test
    void only_a_schema_with_every_migration_skips_flyway() throws SQLException {
        try (Database db = Database.external(url)) {
            assertThat(Database.isCurrent(db.dataSource())).isTrue();
            // A pending migration (as after an upgrade): the next start applies it.
            execute("delete from flyway_schema_history where version = '" + Database.NEWEST_MIGRATION + "'");
            assertThat(Database.isCurrent(db.dataSource())).isFalse();
        }
        try (Database db = Database.external(url)) {
            assertThat(Database.isCurrent(db.dataSource())).isTrue();
            assertThat(count("select count(*) from flyway_schema_history where version = '" + Database.NEWEST_MIGRATION + "' and success"))
                    .isEqualTo(1);
        }
        // A schema from a newer build is not current here either: Flyway decides, as before this check
        // (its default accepts migrations it does not know, "future" ones).
        execute("insert into flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) "
                + "select max(installed_rank) + 1, '100000', 'from a newer build', 'SQL', 'V100000__newer.sql', 0, current_user, 0, true from flyway_schema_history");
        try (Database db = Database.external(url)) {
            assertThat(Database.isCurrent(db.dataSource())).isFalse();
        }
    }

    @Test
    void a_new_database_is_not_current() throws SQLException {
        String fresh = TestDb.createDatabase();
        try {
            var pool = new com.zaxxer.hikari.HikariDataSource();
            pool.setJdbcUrl(fresh);
            try (pool) {
                assertThat(Database.isCurrent(pool)).isFalse();
            }
        } finally {
            TestDb.dropDatabase(fresh);
        }
    }

    @Test
    void the_pool_opens_one_connection_at_start_the_rest_on_demand_and_is_kept_full_once_the_server_listens() throws Exception {
        try (Database db = Database.external(url, 6)) {
            // Hikari's housekeeping first runs 100 ms after the pool is made and would fill it to
            // its minimum: with the old minimum (the pool's size) there were 6 by now.
            Thread.sleep(600);
            assertThat(db.connections()).isEqualTo(1);

            // Requests at once still get a connection each: the pool opens them on demand.
            var held = new java.util.ArrayList<java.sql.Connection>();
            try {
                for (int i = 0; i < 6; i++) held.add(db.dataSource().getConnection());
                assertThat(db.connections()).isEqualTo(6);
            } finally {
                for (var c : held) c.close();
            }

            db.fillPool();
            assertThat(db.minimumIdle()).isEqualTo(6);
        }
    }

    static void execute(String sql) throws SQLException {
        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(String sql) throws SQLException {
        try (var c = DriverManager.getConnection(url); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
