package dev.lanyard.account;

import dev.lanyard.scim.ScimFilters;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.SqlFilter;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IdPs' pre-check ({@code userName eq "..."}, startIndex=1) is the statement a SCIM server runs
 * most (issue 16): PostgreSQL keeps a generic plan for it instead of planning it on every call,
 * which cost several times the query itself. A filter whose plan depends on its value
 * ({@code userName co}) is still planned with it each time. (Plans are kept only on a database
 * large enough for them: Database.KEPT_PLANS_MIN_ROWS.)
 */
class PreCheckPlanIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    private record Plans(long generic, long custom) {}

    private static Plans run(Connection c, UUID org, String filter, String marker) throws Exception {
        var where = SqlFilter.translate(ScimFilters.parse(filter), AccountColumns.INSTANCE, ScimJson.USER_SCHEMA,
                AccountColumns.SUPPORTED);
        var query = new AccountQuery(Optional.of(where), AccountQuery.Sort.DEFAULT, new AccountQuery.Index(0, 100));
        // As the server sends it: with the groups of each account beside it (UserGroups.beside).
        for (int i = 0; i < 12; i++) new AccountStore().searchLinked(c, org, query, Optional.of(dev.lanyard.group.GroupService.GROUPS_BESIDE_ACCOUNTS));
        return Sql.find(c, "select generic_plans, custom_plans from pg_prepared_statements where statement like ?",
                rs -> new Plans(rs.getLong(1), rs.getLong(2)), "%" + marker + "%").orElse(new Plans(0, 0));
    }

    @Test
    void the_pre_check_keeps_a_generic_plan_and_a_contains_filter_does_not() throws Exception {
        UUID org = UUID.fromString(app.newOrg("precheck").id());
        app.execute("""
                insert into managed_accounts (id, org_id, email, status, scim_id, attributes)
                select gen_random_uuid(), ?, 'user' || n || '@example.com', 'active', gen_random_uuid(), '{}'
                  from generate_series(1, ?) n""", org, dev.lanyard.storage.Database.KEPT_PLANS_MIN_ROWS);
        app.execute("analyze managed_accounts");
        app.awaitPlansKept();
        try (Connection c = app.dataSource().getConnection()) {
            Plans precheck = run(c, org, "userName eq \"user42@example.com\"", "lower(email) = lower($2)");
            assertThat(precheck.generic()).as("generic plans of the pre-check").isPositive();
            assertThat(precheck.custom()).as("custom plans of the pre-check").isLessThanOrEqualTo(5);
            // Never a named statement: planned with its value on every call.
            assertThat(run(c, org, "userName co \"er42\"", "like")).isEqualTo(new Plans(0, 0));
        }
    }
}
