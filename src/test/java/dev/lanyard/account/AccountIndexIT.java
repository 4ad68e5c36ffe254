package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.domain.Actor;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.storage.Sql;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every query the SCIM API, the console and sign-in make on managed_accounts is a range of an
 * index that starts with the organization, after V107 dropped the indexes that duplicated others
 * (docs/performance.md "Which index serves which query"). Checked on the statements AccountStore
 * itself prepares, with its bound values, sequential scans ruled out, on 7,000 analysed accounts
 * (enough for connections to keep plans: Database.KEPT_PLANS_MIN_ROWS).
 */
class AccountIndexIT {
    static final TestApp app = TestApp.start();
    static final AccountStore store = new AccountStore();
    static UUID org;

    @BeforeAll
    static void accounts() {
        org = UUID.fromString(app.newOrg("account-index").id());
        // 90 % linked (active or deactivated), the rest disabled or invalidated: unlinked rows in every range
        app.execute("""
                insert into managed_accounts (id, org_id, email, status, scim_id, external_id, display_name, attributes,
                                              scim_created_at, updated_at)
                select gen_random_uuid(), ?::uuid, 'User' || n || '@example' || (n % 50) || '.com', s.status,
                       case when s.status in ('active', 'deactivated') then gen_random_uuid() end, 'ext-' || n, 'Person ' || n,
                       '{}'::jsonb, now() - n * interval '1 minute', now() - n * interval '1 minute'
                  from generate_series(1, 7000) n,
                       lateral (select case when n % 10 = 0 then 'disabled' when n % 10 = 1 then 'invalidated'
                                            when n % 10 = 2 then 'deactivated' else 'active' end as status) s""", org);
        app.execute("vacuum analyze managed_accounts");
        app.awaitPlansKept();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A SCIM list page (count and rows) as AccountService.searchLinked asks for it. */
    @ParameterizedTest(name = "filter={0} sortBy={1} desc={2} cursor={3}: {4} on {5}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -                                           | -                 | false | -                    | managed_accounts_scim_order        | org_id =
            -                                           | -                 | false | 1500                 | managed_accounts_scim_order        | seq >
            userName eq "user42@example42.com"          | -                 | false | -                    | managed_accounts_username_key      | lower(email) =
            externalId eq "ext-42"                      | -                 | false | -                    | managed_accounts_external_id       | external_id =
            -                                           | userName          | false | -                    | managed_accounts_username_key      | org_id =
            -                                           | userName          | false | user500@example0.com | managed_accounts_username_key      | lower(email) >=
            -                                           | userName          | true  | user500@example0.com | managed_accounts_username_key      | lower(email) <=
            -                                           | meta.lastModified | false | -                    | managed_accounts_directory         | org_id =
            -                                           | meta.lastModified | true  | 2026-01-01T00:00:00Z | managed_accounts_directory         | ROW(updated_at, seq) <
            meta.lastModified gt "2026-01-01T00:00:00Z" | meta.lastModified | false | -                    | managed_accounts_directory         | updated_at >
            -                                           | meta.created      | false | -                    | managed_accounts_sort_created      | org_id =
            -                                           | displayName       | false | -                    | managed_accounts_sort_display_name | org_id =
            """)
    void a_scim_page_reads_a_range_of_an_index(String filter, String sortBy, boolean descending, String cursor, String index,
                                               String condition) throws Exception {
        var criteria = AccountService.criteria(Optional.ofNullable(filter).map(AccountIndexIT::parse), Optional.ofNullable(sortBy),
                descending);
        var position = Optional.ofNullable(cursor).map(v -> sortBy == null
                ? new AccountQuery.Position(Optional.empty(), Long.parseLong(v))
                : new AccountQuery.Position(Optional.of(v), 1500));
        var query = new AccountQuery(criteria.where, criteria.sort, new AccountQuery.After(position, 100));
        var plans = app.plansWithoutSeqScan(c -> {
            store.countLinked(c, org, criteria.where);
            store.searchLinked(c, org, query, Optional.empty());
        });
        assertThat(plans).isNotEmpty().allSatisfy(p -> assertThat(p.plan()).as(p.sql()).doesNotContain("Seq Scan"));
        TestApp.Planned page = plans.getLast();
        assertThat(page.plan()).as(page.sql()).contains(index);
        // the filter or the cursor bounds the range read, rather than being checked on every row
        assertThat(indexConditions(page.plan())).as(page.toString()).contains(condition);
        if (filter == null) {
            // the index gives the order: the page stops after its rows, however many accounts there are
            assertThat(page.plan()).as(page.sql()).doesNotContain("Sort");
        }
    }

    /**
     * A page with an expression beside each account (GET /Users: the user's groups) computes it for
     * the page's rows only, above the LIMIT: in the page's own SELECT it ran for every row an
     * offset skips (startIndex=900001: 900,000 times, 2.0 s instead of 0.3 s in bench/million).
     */
    @Test
    void what_is_read_beside_a_page_is_read_for_its_rows_only() throws Exception {
        var criteria = AccountService.criteria(Optional.empty(), Optional.empty(), false);
        var query = new AccountQuery(criteria.where, criteria.sort, new AccountQuery.Index(2000, 100));
        String beside = "select count(*) from group_members m where m.member_id = managed_accounts.scim_id";
        String plan = app.plansWithoutSeqScan(c -> store.searchLinked(c, org, query, Optional.of(beside))).getLast().plan();
        List<String> lines = plan.lines().toList();
        int limit = lines.indexOf(lines.stream().filter(l -> l.contains("Limit")).findFirst().orElseThrow());
        int depth = indent(lines.get(limit));
        List<String> belowLimit = lines.subList(limit + 1, lines.size()).stream().takeWhile(l -> indent(l) > depth).toList();
        assertThat(plan).contains("SubPlan");
        assertThat(belowLimit).as(plan).noneMatch(l -> l.contains("SubPlan"));
    }

    /**
     * Without an offset the expression is in the page's own SELECT, with no wrapper around the page
     * (issue 16: the wrapper's sort and subquery scan were a fifth of the IdPs' lookup), and still
     * runs once per row returned, not per row read: above the sort when the page needs one, and
     * on an index in the page's order only until the limit. The groups' expression as the server
     * sends it, run, counting each SubPlan's loops; each filter matches about 6,300 linked accounts.
     */
    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "-, -, index",                            // the first page, in the index's order
            "userName co \"@example\", displayName, index",  // a filter, and a sort above it
            "-, userName, cursor",                    // a cursor page
            "userName co \"@example\", displayName, cursor",
            "-, -, offset"})                          // wrapped: the expression above the LIMIT
    void what_is_read_beside_a_page_runs_once_per_row_it_returns(String filter, String sortBy, String window) throws Exception {
        var criteria = AccountService.criteria(filter == null ? Optional.empty() : Optional.of(ScimFilters.parse(filter)),
                Optional.ofNullable(sortBy), false);
        AccountQuery.Window w = switch (window) {
            case "index" -> new AccountQuery.Index(0, 100);
            case "cursor" -> new AccountQuery.After(Optional.empty(), 100);
            default -> new AccountQuery.Index(2000, 100);
        };
        var query = new AccountQuery(criteria.where, criteria.sort, w);
        String plan = app.plansRunWithoutSeqScan(c -> store.searchLinked(c, org, query,
                Optional.of(dev.lanyard.group.GroupService.GROUPS_BESIDE_ACCOUNTS))).getLast().plan();
        List<String> lines = plan.lines().toList();
        List<Integer> subPlanLoops = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("SubPlan")) subPlanLoops.add(loops(lines.get(i + 1)));
        }
        assertThat(plan.lines().filter(l -> l.contains("Limit")).findFirst().orElseThrow()).as(plan).containsPattern("rows=10[01] ");
        assertThat(subPlanLoops).as(plan).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(101));
        assertThat(plan.contains("Subquery Scan")).as("wrapped: " + plan).isEqualTo(window.equals("offset"));
    }

    private static int loops(String planLine) {
        if (planLine.contains("never executed")) return 0;
        var m = java.util.regex.Pattern.compile("loops=(\\d+)").matcher(planLine);
        return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    @Test
    void the_lookups_by_email_use_the_browse_indexes() {
        ManagedAccount fresh = new ManagedAccount(UUID.randomUUID(), org, "New@Example.com", AccountStatus.ACTIVE,
                Optional.of(UUID.randomUUID()), Optional.empty(), Optional.empty(), JsonNodeFactory.instance.objectNode(), 1,
                Instant.now(), Optional.empty(), Instant.now(), Instant.now());
        ManagedAccount other = new ManagedAccount(UUID.randomUUID(), org, "Other@Example.com", AccountStatus.ACTIVE,
                Optional.of(UUID.randomUUID()), Optional.empty(), Optional.empty(), JsonNodeFactory.instance.objectNode(), 1,
                Instant.now(), Optional.empty(), Instant.now(), Instant.now());
        var plans = app.plansWithoutSeqScan(c -> {
            store.insertUnlessDisabled(c, AccountStore.Create.of(fresh, Map.of(), Actor.parse("operator"), Instant.now()));
            store.lockDisabledByEmail(c, org, "User10@Example10.com");
            store.findForSignIn(c, org, "USER42@example42.com");
            store.insertAllUnlessDisabled(c, List.of(AccountStore.Create.of(fresh, Map.of(), Actor.parse("operator"), Instant.now()),
                    AccountStore.Create.of(other, Map.of(), Actor.parse("operator"), Instant.now())));
        });
        assertThat(plans).hasSize(4).allSatisfy(p -> assertThat(indexConditions(p.plan())).as(p.toString()).contains("lower(email)"));
        assertThat(plans.get(0).plan()).as("create: is there a disabled account to re-attach?").contains("managed_accounts_browse_status");
        assertThat(plans.get(1).plan()).as("the disabled account to re-attach").contains("managed_accounts_browse_status");
        assertThat(plans.get(2).plan()).as("SAML sign-in").contains("managed_accounts_browse");
        assertThat(plans.get(3).plan()).as("creates in a batch: a disabled account to re-attach?")
                .containsPattern("Index Scan using managed_accounts_browse(_status)? on managed_accounts d");
        // Planned each time with its arrays: a generic plan made while managed_accounts was small
        // (a new server) hashed the whole table's disabled accounts, in every batch from then on.
        assertThat(plans.get(3).sql()).startsWith(dev.lanyard.storage.Sql.PLANNED_WITH_VALUES);
    }

    @Test
    void changes_in_a_batch_find_their_rows_one_by_one_by_a_unique_index() {
        ManagedAccount one = new ManagedAccount(UUID.randomUUID(), org, "one@example.com", AccountStatus.ACTIVE,
                Optional.of(UUID.randomUUID()), Optional.empty(), Optional.empty(), JsonNodeFactory.instance.objectNode(), 2,
                Instant.now(), Optional.empty(), Instant.now(), Instant.now());
        ManagedAccount two = new ManagedAccount(UUID.randomUUID(), org, "two@example.com", AccountStatus.ACTIVE,
                Optional.of(UUID.randomUUID()), Optional.empty(), Optional.empty(), JsonNodeFactory.instance.objectNode(), 2,
                Instant.now(), Optional.empty(), Instant.now(), Instant.now());
        var plans = app.plansWithoutSeqScan(c -> store.updateAllIfUnchangedWithEvent(c, List.of(
                AccountStore.Change.of(one, one.scimId().orElseThrow(), 1, AccountEvent.Kind.UPDATED, Actor.parse("operator"), Instant.now()),
                AccountStore.Change.of(two, two.scimId().orElseThrow(), 1, AccountEvent.Kind.UPDATED, Actor.parse("operator"), Instant.now()))));
        assertThat(plans).hasSize(1);
        // Each change's row by a unique index (its id or its SCIM id), in the order of the batch's
        // rows (sorted by id), so two batches take the rows they share in the same order.
        assertThat(plans.get(0).plan()).contains("Nested Loop")
                .containsPattern("Index Scan using managed_accounts_(pkey|scim_id_key) on managed_accounts a").doesNotContain("Hash Join");
        assertThat(plans.get(0).sql()).startsWith(dev.lanyard.storage.Sql.KEPT_INDEX_PLAN);
    }

    /**
     * The changes' batch keeps one plan per connection, made with Sql.KEPT_INDEX_PLAN: without it
     * PostgreSQL made a plan with the values for each batch (the arrays' length made that look
     * cheaper than the kept one). The creates' and the lookups' batches are planned with their
     * values each time, so PostgreSQL keeps no plan for them that was made on a small table.
     * (pgjdbc prepares a statement on the server from its fifth use.)
     */
    @Test
    void the_changes_batch_keeps_one_plan_and_the_others_are_planned_each_time() throws Exception {
        try (var c = app.dataSource().getConnection()) {
            for (int i = 0; i < 8; i++) {
                int n = 2 + i % 5;
                List<AccountStore.Create> creates = new java.util.ArrayList<>();
                List<AccountStore.Lookup> lookups = new java.util.ArrayList<>();
                List<AccountStore.Lookup> byExternalId = new java.util.ArrayList<>();
                for (int k = 0; k < n; k++) {
                    String email = "kept" + i + "-" + k + "@example.com";
                    creates.add(AccountStore.Create.of(ManagedAccount.provisioned(org, new AccountProfile(email, Optional.empty(),
                            Optional.empty(), Optional.of(true), JsonNodeFactory.instance.objectNode().put("userName", email)),
                            AccountStatus.ACTIVE, UUID.randomUUID(), Instant.now()), Map.of(), Actor.parse("operator"), Instant.now()));
                    var criteria = AccountService.criteria(Optional.of(ScimFilters.parse("userName eq \"" + email + "\"")), Optional.empty(), false);
                    lookups.add(new AccountStore.Lookup(org, new AccountQuery(criteria.where, criteria.sort, new AccountQuery.Index(0, 100)),
                            Optional.empty()));
                    // ext-2 ... ext-77: linked accounts (n % 10 from 2 to 7)
                    var external = AccountService.criteria(Optional.of(ScimFilters.parse("externalId eq \"ext-" + (i * 10 + k + 2) + "\"")),
                            Optional.empty(), false);
                    byExternalId.add(new AccountStore.Lookup(org, new AccountQuery(external.where, external.sort,
                            new AccountQuery.Index(0, 100)), Optional.empty()));
                }
                assertThat(store.insertAllUnlessDisabled(c, creates)).hasSize(n);
                List<AccountStore.Change> changes = creates.stream().map(k -> AccountStore.Change.of(
                        k.account().updated(new AccountProfile(k.account().email(), Optional.empty(), Optional.of("Kept"), Optional.of(true),
                                k.account().attributes()), AccountStatus.ACTIVE, 2, Instant.now()),
                        k.account().scimId().orElseThrow(), 1, AccountEvent.Kind.UPDATED, Actor.parse("operator"), Instant.now())).toList();
                assertThat(store.updateAllIfUnchangedWithEvent(c, changes)).hasSize(n);
                assertThat(store.searchAll(c, lookups)).hasSize(n).allSatisfy(page -> assertThat(page).hasSize(1));
                assertThat(store.searchAll(c, byExternalId)).hasSize(n).allSatisfy(page -> assertThat(page).hasSize(1));
            }
            // The creates' batch: never prepared on the server (PLANNED_WITH_VALUES).
            assertThat(plansMade(c, "as v(id, org_id, email")).isEmpty();
            // The changes' batch: prepared, one generic plan kept (KEPT_INDEX_PLAN).
            assertThat(plansMade(c, "as v(id, expected")).hasValueSatisfying(p -> {
                assertThat(p.custom()).isZero();
                assertThat(p.generic()).isPositive();
            });
            // The userName lookups' batch: prepared, one generic plan kept (KEPT_INDEX_PLAN).
            assertThat(plansMade(c, "lookup_n%lower(email) = lower(v.lookup_value)")).hasValueSatisfying(p -> {
                assertThat(p.custom()).isZero();
                assertThat(p.generic()).isPositive();
            });
            // Other lookups' batches: prepared (not parsed again), planned with their values each time (PLANNED_EACH_TIME).
            assertThat(plansMade(c, "lookup_n%external_id = v.lookup_value")).hasValueSatisfying(p -> {
                assertThat(p.generic()).isZero();
                assertThat(p.custom()).isPositive();
            });
        }
    }

    /**
     * Connections keep plans made without values only once managed_accounts has
     * Database.KEPT_PLANS_MIN_ROWS rows (StatementPlanningIT): on a new table every index that
     * starts with the organization costs the planner the same, and it took another one than the
     * userName's (docs/performance.md). At that size, on a new copy of the table (its indexes, no
     * statistics, first on the search path, in the transaction the plans are made in, rolled
     * back), the plans made without values of the userName lookups, in a batch and alone, are
     * the userName index.
     */
    @Test
    void at_the_size_plans_are_kept_from_user_name_lookups_plans_made_without_values_take_the_user_name_index() throws Exception {
        var lookups = List.of(userNameLookup("u42@example.com"), userNameLookup("nobody@example.com"));
        // The smallest rows (the fewest pages for the count), of one organization.
        String rows = "insert into managed_accounts (id, org_id, email, status, scim_id, attributes) "
                + "select gen_random_uuid(), '" + org + "', 'u' || g || '@x', 'active', gen_random_uuid(), '{}' "
                + "from generate_series(1, " + dev.lanyard.storage.Database.KEPT_PLANS_MIN_ROWS + ") g";
        var plans = app.plansWithoutSeqScan(c -> {
            try (var s = c.createStatement()) {
                s.execute("create schema fresh");
                s.execute("create table fresh.managed_accounts (like public.managed_accounts including all)");
                s.execute("set local search_path = fresh, public");
                s.execute(rows);
            }
            store.searchAll(c, lookups);
            store.searchLinked(c, org, lookups.get(0).query(), Optional.empty());
        });
        assertThat(plans).hasSize(2);
        assertThat(plans.get(0).sql()).startsWith(Sql.KEPT_INDEX_PLAN);
        assertThat(indexConditions(plans.get(0).plan())).as(plans.get(0).plan())
                .contains("(org_id = v.lookup_org) AND (lower(email) = lower(v.lookup_value))");
        assertThat(plans.get(0).plan()).doesNotContain("Sort").doesNotContain("Filter");
        // A lookup alone: its plan may be kept (plan_cache_mode auto); the userName index.
        assertThat(plans.get(1).sql()).doesNotContain(Sql.PLANNED_WITH_VALUES);
        assertThat(indexConditions(plans.get(1).plan())).as(plans.get(1).plan()).contains("(org_id = ").contains("(lower(email) = ");
        assertThat(plans.get(1).plan()).doesNotContain("Filter");
    }

    private static AccountStore.Lookup userNameLookup(String userName) throws Exception {
        var criteria = AccountService.criteria(Optional.of(ScimFilters.parse("userName eq \"" + userName + "\"")), Optional.empty(), false);
        return new AccountStore.Lookup(org, new AccountQuery(criteria.where, criteria.sort, new AccountQuery.Index(0, 100)), Optional.empty());
    }

    record PlansMade(long generic, long custom) {}

    /** The plans PostgreSQL made for the statement prepared on this connection whose text contains {@code marker}. */
    private static Optional<PlansMade> plansMade(java.sql.Connection c, String marker) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("select generic_plans, custom_plans from pg_prepared_statements where statement like ?")) {
            ps.setString(1, "%" + marker + "%");
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new PlansMade(rs.getLong(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    @Test
    void the_console_list_its_pages_and_its_count_use_the_browse_indexes() {
        UUID some = UUID.randomUUID();
        var plans = app.plansWithoutSeqScan(c -> {
            store.browse(c, org, Optional.empty(), "", Optional.of(some), 51);
            store.browseBefore(c, org, Optional.empty(), "user1", some, 51);
            store.countBrowse(c, org, Optional.empty(), "user1", 10_001);
            store.browse(c, org, Optional.of(AccountStatus.DISABLED), "user", Optional.empty(), 51);
            store.countBrowse(c, org, Optional.of(AccountStatus.DISABLED), "", 10_001);
        });
        assertThat(plans).hasSize(5).allSatisfy(p -> assertThat(p.plan()).as(p.sql()).doesNotContain("Seq Scan").doesNotContain("Sort"));
        // the cursor and the prefix are ranges of the index, not filters
        assertThat(plans.subList(0, 4)).allSatisfy(p -> assertThat(indexConditions(p.plan())).as(p.toString()).contains("lower(email)"));
        assertThat(plans.subList(0, 3)).allSatisfy(p -> assertThat(p.plan()).as(p.sql()).contains("managed_accounts_browse"));
        assertThat(plans.get(3).plan()).contains("managed_accounts_browse_status");
    }

    /** The plan's Index Cond lines: what bounds the index range read (a Filter line is checked on every row read). */
    static String indexConditions(String plan) {
        return String.join("\n", plan.lines().filter(l -> l.contains("Index Cond")).toList());
    }

    private static com.unboundid.scim2.common.filters.Filter parse(String filter) {
        try {
            return ScimFilters.parse(filter);
        } catch (Exception e) {
            throw new IllegalArgumentException(filter, e);
        }
    }
}
