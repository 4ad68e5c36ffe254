package dev.lanyard.storage;

import dev.lanyard.account.AccountColumns;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lookups IdPs make on every sync can be answered from an index: the translated condition
 * is one PostgreSQL can match to the index (no function wrapped around it). Checked on the real
 * schema with sequential scans ruled out, so the answer does not depend on table size or timing.
 */
class FilterIndexIT {
    static final TestApp app = TestApp.start();
    static TestApp.Org org;

    /** 5,000 varied accounts, analysed, so the planner weighs indexes as it would in production. */
    @BeforeAll
    static void accounts() {
        org = app.newOrg("index");
        app.execute("""
                insert into managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes)
                select gen_random_uuid(), ?::uuid, 'user' || n || '@example' || (n % 50) || '.com', 'active', gen_random_uuid(),
                       'ext-' || n, 'Person ' || n,
                       jsonb_build_object('emails', jsonb_build_array(jsonb_build_object('value', 'mail' || n || '@example.com', 'type', 'work')))
                  from generate_series(1, 5000) n""", org.id());
        app.execute("vacuum analyze managed_accounts");
        app.execute("vacuum analyze account_search");  // also flushes the GIN pending lists
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest(name = "{0} uses {1}")
    @CsvSource(delimiter = '|', textBlock = """
            userName eq "user42@example42.com"            | lower(email) =
            externalId eq "ext-42"                        | external_id =
            displayName eq "Person 42"                    | (lower(display_name) IS NULL) = false) AND (COALESCE(lower(display_name)
            emails.value eq "mail42@example.com"          | account_search_email_values
            userName co "er4242"                          | account_search_email_trgm
            displayName co "son 424"                      | account_search_display_name_trgm
            """)
    void the_common_lookups_can_use_an_index(String filter, String indexed) throws Exception {
        var where = SqlFilter.translate(dev.lanyard.scim.ScimFilters.parse(filter), AccountColumns.INSTANCE,
                ScimJson.USER_SCHEMA, AccountColumns.SUPPORTED);
        List<Object> params = new ArrayList<>();
        params.add(UUID.fromString(org.id()));
        params.addAll(where.params());
        String plan = app.planWithoutSeqScan("select id from managed_accounts where org_id = ? and scim_id is not null and "
                + where.sql(), params);
        // the condition itself is an index condition (or the trigram index is scanned), not a filter on every row
        String conditions = plan.lines().filter(l -> l.contains("Index Cond") || l.contains("Index Scan") || l.contains("Recheck Cond"))
                .reduce("", String::concat);
        assertThat(conditions).as(plan).contains(indexed);
    }
}
