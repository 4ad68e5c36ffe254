package dev.lanyard.storage;

import dev.lanyard.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool opens one connection at start and the rest only after {@link Database#fillPool}
 * (issue 16: opening 15 SCRAM connections in the background took CPU from the server's start).
 */
class PoolFillIT {
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
    void one_connection_until_the_server_listens_then_the_pool_grows_on_demand_and_is_kept_full() throws Exception {
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
}
