package dev.lanyard.account;

import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.domain.Actor;
import dev.lanyard.storage.StorageException;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The IdPs' lookups (the first page of one {@code eq} on a text attribute) that arrive together
 * are read as one statement (storage.Batches, issue 16), and each still gets exactly the answer it
 * would get alone. To make them arrive together, managed_accounts is held locked against reads
 * while the lookups come in: the first waits on the lock, the rest queue behind it.
 */
class LookupBatchesIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void lookups_of_several_organizations_in_one_batch_each_get_the_answer_they_get_alone_over_http() throws Exception {
        eachAnswersAsAlone(app);
    }

    /**
     * The same on a database large enough for connections to keep plans made without values
     * (Database.KEPT_PLANS_MIN_ROWS): the userName lookups' batch then runs on its kept plan
     * (Sql.KEPT_INDEX_PLAN, no ORDER BY or LIMIT), the others planned each time.
     */
    @Test
    void the_same_on_a_database_large_enough_to_keep_plans() throws Exception {
        try (TestApp large = TestApp.start()) {
            large.execute("""
                    insert into managed_accounts (id, org_id, email, status, scim_id, attributes, scim_created_at)
                    select gen_random_uuid(), ?::uuid, 'filler' || n || '@example.com', 'active', gen_random_uuid(), '{}', now()
                      from generate_series(1, ?) n""", large.newOrg("lookup-filler").id(), dev.lanyard.storage.Database.KEPT_PLANS_MIN_ROWS);
            large.awaitPlansKept();
            eachAnswersAsAlone(large);
        }
    }

    private static void eachAnswersAsAlone(TestApp app) throws Exception {
        TestApp.Org okta = app.newOrg("lookup-okta");
        TestApp.Org entra = app.newOrg("lookup-entra");
        for (int i = 0; i < 3; i++) {
            create(app, okta, "u" + i + "@okta.example", "okta-" + i);
            create(app, entra, "u" + i + "@entra.example", "entra-" + i);
        }
        String member = create(app, okta, "member@okta.example", "okta-member");
        app.http().send("POST", okta.scimPath() + "/Groups", okta.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering",
                 "members":[{"value":"%s"}]}""".formatted(member)).expect(201);

        List<String[]> asked = new ArrayList<>();
        asked.add(new String[] {"okta", "userName eq \"u1@okta.example\"", ""});
        asked.add(new String[] {"okta", "userName eq \"U2@OKTA.EXAMPLE\"", ""});   // userName ignores case
        asked.add(new String[] {"okta", "userName eq \"member@okta.example\"", ""});  // with its group
        asked.add(new String[] {"okta", "userName eq \"nobody@okta.example\"", ""});
        asked.add(new String[] {"okta", "userName eq \"u0@okta.example\"", "&attributes=userName"});  // another shape
        asked.add(new String[] {"entra", "userName eq \"u1@entra.example\"", ""});
        asked.add(new String[] {"entra", "externalId eq \"entra-2\"", ""});  // another attribute
        asked.add(new String[] {"entra", "externalId eq \"ENTRA-2\"", ""});  // externalId is case exact: none
        asked.add(new String[] {"entra", "userName eq \"u1@okta.example\"", ""});  // another organization's user: none
        List<Callable<Http.Response>> lookups = new ArrayList<>();
        for (String[] a : asked) lookups.add(lookup(app, a[0].equals("okta") ? okta : entra, a[1], a[2]));
        // The token is confirmed (and cached) before the lock, so only the lookups wait on it.
        lookups.get(0).call().expect(200);
        lookups.get(5).call().expect(200);

        List<Http.Response> together = HeldEvents.results(
                HeldEvents.whileLocked(app, "managed_accounts in access exclusive mode", "%from managed_accounts%", lookups));

        int[] expected = {1, 1, 1, 0, 1, 1, 1, 0, 0};
        for (int i = 0; i < asked.size(); i++) {
            Http.Response r = together.get(i);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("totalResults").asInt()).as(asked.get(i)[1]).isEqualTo(expected[i]);
            // Exactly the answer the same lookup gets alone.
            assertThat(r.json()).as(asked.get(i)[1]).isEqualTo(lookups.get(i).call().expect(200).json());
        }
        assertThat(together.get(2).json().get("Resources").get(0).get("groups").get(0).get("display").asText()).isEqualTo("Engineering");
        assertThat(together.get(4).json().get("Resources").get(0).has("name")).isFalse();
        assertThat(together.get(6).json().get("Resources").get(0).get("userName").asText()).isEqualTo("u2@entra.example");
    }

    /** That they were read together: fewer statements than lookups, one of them the batch's. */
    @Test
    void lookups_that_arrive_together_are_one_statement() throws Exception {
        TestApp.Org org = app.newOrg("lookup-counted");
        UUID orgId = UUID.fromString(org.id());
        List<String> statements = new CopyOnWriteArrayList<>();
        AccountService accounts = new AccountService(new Transactions(HeldEvents.recording(app.dataSource(), statements)));
        for (int i = 0; i < 6; i++) {
            accounts.provision(orgId, HeldEvents.profile("c" + i + "@counted.example", "Ada"), new Actor.Operator());
        }
        statements.clear();
        List<Callable<AccountService.SearchPage>> lookups = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            var criteria = AccountService.criteria(Optional.of(Filter.fromString("userName eq \"c" + i + "@counted.example\"")),
                    Optional.empty(), false);
            lookups.add(() -> accounts.searchLinked(orgId, criteria, new AccountQuery.Index(0, 100)));
        }

        List<AccountService.SearchPage> pages = HeldEvents.results(
                HeldEvents.whileLocked(app, "managed_accounts in access exclusive mode", "%from managed_accounts%", lookups));

        for (int i = 0; i < 8; i++) {
            assertThat(pages.get(i).totalResults()).isEqualTo(i < 6 ? 1 : 0);
            if (i < 6) assertThat(pages.get(i).accounts().get(0).email()).isEqualTo("c" + i + "@counted.example");
        }
        assertThat(statements).hasSizeLessThan(8).anySatisfy(sql -> assertThat(sql).contains("lookup_n"));
    }

    /**
     * A batch that PostgreSQL refuses because of one lookup's value (text with U+0000, which it
     * cannot take) is read again lookup by lookup: only that lookup fails, not the others beside it.
     */
    @Test
    void one_lookup_that_postgresql_refuses_fails_alone() throws Exception {
        TestApp.Org org = app.newOrg("lookup-refused");
        UUID orgId = UUID.fromString(org.id());
        AccountService accounts = new AccountService(new Transactions(app.dataSource()));
        accounts.provision(orgId, HeldEvents.profile("here@refused.example", "Ada"), new Actor.Operator());
        List<Callable<AccountService.SearchPage>> lookups = new ArrayList<>();
        for (String value : List.of("here@refused.example", "gone@refused.example", "b\\u0000d@refused.example", "HERE@refused.example")) {
            var criteria = AccountService.criteria(Optional.of(Filter.fromString("userName eq \"" + value + "\"")), Optional.empty(), false);
            lookups.add(() -> accounts.searchLinked(orgId, criteria, new AccountQuery.Index(0, 100)));
        }

        var results = HeldEvents.whileLocked(app, "managed_accounts in access exclusive mode", "%from managed_accounts%", lookups);

        assertThat(results.get(0).get().totalResults()).isEqualTo(1);
        assertThat(results.get(1).get().totalResults()).isZero();
        assertThatThrownBy(() -> results.get(2).get()).hasCauseInstanceOf(StorageException.class);
        assertThat(results.get(3).get().totalResults()).isEqualTo(1);
    }

    private static String create(TestApp app, TestApp.Org org, String userName, String externalId) {
        return app.http().send("POST", org.scimPath() + "/Users", org.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s","externalId":"%s",
                 "name":{"givenName":"Ada"},"emails":[{"value":"%s","primary":true}],"active":true}"""
                .formatted(userName, externalId, userName)).expect(201).json().get("id").asText();
    }

    private static Callable<Http.Response> lookup(TestApp app, TestApp.Org org, String filter, String more) {
        String path = org.scimPath() + "/Users?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8) + "&startIndex=1&count=100" + more;
        return () -> app.http().send("GET", path, org.token(), (String) null);
    }
}
