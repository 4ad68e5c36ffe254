package dev.lanyard.storage;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which statements PostgreSQL may keep a generic plan for (issue 16): a plain statement becomes a
 * named server-side prepared statement after a few executions on a connection (so its plan can be
 * cached), while one marked {@link Sql#PLANNED_WITH_VALUES} never does, whatever how often it runs,
 * so each execution is planned with its own values. Observed in the session's own
 * pg_prepared_statements, which lists exactly the named statements.
 */
class StatementPlanningIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_marked_statement_is_never_prepared_on_the_server_and_a_plain_one_is() throws Exception {
        String plain = "select count(*) from managed_accounts where org_id = ?";
        String marked = Sql.PLANNED_WITH_VALUES + "select count(*) from managed_accounts where org_id = ? and status = 'active'";
        try (Connection c = app.dataSource().getConnection()) {
            for (int i = 0; i < 10; i++) {
                Sql.count(c, plain, List.of(UUID.randomUUID()));
                Sql.count(c, marked, List.of(UUID.randomUUID()));
            }
            List<String> prepared = Sql.list(c, "select statement from pg_prepared_statements", rs -> rs.getString(1));
            assertThat(prepared).anyMatch(s -> s.equals(plain.replace("?", "$1")));
            assertThat(prepared).noneMatch(s -> s.contains("planned with its values"));
            // And the session lets PostgreSQL choose generic plans: nothing forces custom ones any more.
            assertThat(Sql.find(c, "show plan_cache_mode", rs -> rs.getString(1))).contains("auto");
        }
    }
}
