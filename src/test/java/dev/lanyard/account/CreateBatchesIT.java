package dev.lanyard.account;

import dev.lanyard.domain.Actor;
import dev.lanyard.storage.StorageException;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SCIM creates that arrive together are written as one statement (storage.Batches, issue 16),
 * and each still gets exactly the answer it would get alone. To make them arrive together, a test
 * holds account_events locked while the creates come in: the first statements wait on the lock,
 * the rest queue behind them, and when the lock goes they are written in a batch. That they were
 * shows in PostgreSQL: accounts of one statement share its transaction id (xmin).
 */
class CreateBatchesIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void creates_of_several_organizations_in_one_batch_each_get_their_own_answer_over_http() throws Exception {
        TestApp.Org okta = app.newOrg("batch-okta");
        TestApp.Org entra = app.newOrg("batch-entra");
        TestApp.Org third = app.newOrg("batch-third");
        // A disabled account in entra: a create of its email re-attaches it (the rare path).
        String gone = app.http().send("POST", entra.scimPath() + "/Users", entra.token(), user("gone@entra.example")).expect(201)
                .json().get("id").asText();
        String goneAccount = app.queryString("select id::text from managed_accounts where scim_id = ?::uuid", gone);
        app.http().send("DELETE", entra.scimPath() + "/Users/" + gone, entra.token(), (String) null).expect(204);

        List<Callable<Http.Response>> creates = new ArrayList<>();
        for (TestApp.Org org : List.of(okta, entra, third)) {
            for (int i = 0; i < 3; i++) creates.add(post(org, "u" + i + "@" + org.name() + ".example"));
        }
        creates.add(post(okta, "same@okta.example"));
        creates.add(post(okta, "SAME@okta.example"));  // the same userName (any letter case): one of the two is a 409
        creates.add(post(entra, "Gone@Entra.example"));

        List<Http.Response> answers = HeldEvents.resultsWhileLocked(app, creates);

        List<Integer> statuses = answers.stream().map(Http.Response::status).toList();
        assertThat(statuses.subList(0, 9)).containsOnly(201);
        assertThat(statuses.subList(9, 11)).containsExactlyInAnyOrder(201, 409);
        Http.Response conflict = answers.get(statuses.get(9) == 409 ? 9 : 10);
        assertThat(conflict.json().get("scimType").asText()).isEqualTo("uniqueness");
        assertThat(conflict.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(statuses.get(11)).isEqualTo(201);
        String reattached = answers.get(11).json().get("id").asText();
        assertThat(app.queryString("select id::text from managed_accounts where scim_id = ?::uuid", reattached)).isEqualTo(goneAccount);

        // Each answer is its own account, as it was asked for, written once with its history and event.
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).status() != 201) continue;
            String scimId = answers.get(i).json().get("id").asText();
            String account = app.queryString("select id::text from managed_accounts where scim_id = ?::uuid", scimId);
            String kind = i == 11 ? "reattached" : "created";
            assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = ? and actor like 'scim:token:%'",
                    account, kind)).as("%s of %s", kind, scimId).isEqualTo(1);
            assertThat(app.count("select count(*) from directory_events where subject_id = ?::uuid and type = ?", account, "account." + kind))
                    .isEqualTo(1);
        }
        for (TestApp.Org org : List.of(okta, entra, third)) {
            int expected = org == okta ? 4 : org == entra ? 4 : 3;
            assertThat(app.http().send("GET", org.scimPath() + "/Users?count=0", org.token(), (String) null).expect(200)
                    .json().get("totalResults").asInt()).as(org.name()).isEqualTo(expected);
        }
        // Batched: fewer transactions than accounts among the eleven new ones.
        long accounts = app.count("select count(*) from managed_accounts where org_id in (?::uuid, ?::uuid, ?::uuid) and email like 'u%'",
                okta.id(), entra.id(), third.id());
        long transactions = app.count("select count(distinct xmin::text) from managed_accounts where org_id in (?::uuid, ?::uuid, ?::uuid) "
                + "and email like 'u%'", okta.id(), entra.id(), third.id());
        assertThat(accounts).isEqualTo(9);
        assertThat(transactions).isLessThan(accounts);
    }

    /**
     * A batch that PostgreSQL refuses because of one create's values (here JSON text it cannot
     * store, which the HTTP layer refuses before: the service is asked directly) is written again
     * create by create: the others are created, the bad one fails alone and writes nothing.
     */
    @Test
    void one_create_that_postgresql_refuses_fails_alone() throws Exception {
        TestApp.Org org = app.newOrg("batch-refused");
        UUID orgId = UUID.fromString(org.id());
        AccountService accounts = new AccountService(new Transactions(app.dataSource()));
        List<Callable<ManagedAccount>> creates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String email = "fine" + i + "@refused.example";
            creates.add(() -> accounts.provision(orgId, HeldEvents.profile(email, "Ada"), new Actor.Operator()));
        }
        creates.add(() -> accounts.provision(orgId, HeldEvents.profile("bad@refused.example", "A\u0000da"), new Actor.Operator()));

        List<Future<ManagedAccount>> results = HeldEvents.whileLocked(app, creates);

        for (int i = 0; i < 6; i++) assertThat(results.get(i).get().email()).isEqualTo("fine" + i + "@refused.example");
        assertThatThrownBy(() -> results.get(6).get()).hasCauseInstanceOf(StorageException.class);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id())).isEqualTo(6);
        assertThat(app.count("select count(*) from account_events where org_id = ?::uuid", org.id())).isEqualTo(6);
    }

    /**
     * A batch that waits on a row another transaction holds gives up at the lock timeout (3 s).
     * Its creates are then written again one by one, so only the create that needs that row waits
     * on: the others, of other organizations, are created.
     */
    @Test
    void a_batch_held_up_by_another_transaction_fails_none_of_the_creates_that_do_not_wait_for_it() throws Exception {
        UUID a = UUID.fromString(app.newOrg("batch-held-a").id());
        UUID b = UUID.fromString(app.newOrg("batch-held-b").id());
        AccountService accounts = new AccountService(new Transactions(app.dataSource()));
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<ManagedAccount>> free = new ArrayList<>();
        Future<ManagedAccount> held;
        try (Connection holder = app.dataSource().getConnection(); Connection lock = app.dataSource().getConnection()) {
            // Another transaction is creating held@a.example and has not committed.
            holder.setAutoCommit(false);
            new AccountStore().insert(holder, ManagedAccount.provisioned(a, HeldEvents.profile("held@a.example", "Held"), AccountStatus.ACTIVE,
                    UUID.randomUUID(), java.time.Instant.now()));
            lock.setAutoCommit(false);
            try (var s = lock.createStatement()) {
                s.execute("lock table account_events in share mode");
            }
            for (int i = 0; i < 4; i++) {
                UUID org = i % 2 == 0 ? a : b;
                String email = "free" + i + "@held.example";
                free.add(threads.submit(() -> accounts.provision(org, HeldEvents.profile(email, "Free"), new Actor.Operator())));
                if (i == 0) HeldEvents.untilWaitingOnLocks(app, 1);  // free0 alone in the first batch; the rest queue behind it
            }
            Thread.sleep(100);
            held = threads.submit(() -> accounts.provision(a, HeldEvents.profile("held@a.example", "Held"), new Actor.Operator()));
            Thread.sleep(200);
            lock.rollback();
            // The second batch waits on held@a.example until the lock timeout, then each of its
            // creates goes alone: the free ones are created while the holder still holds.
            for (Future<ManagedAccount> f : free) assertThat(f.get(20, TimeUnit.SECONDS).scimId()).isPresent();
            holder.rollback();
        }
        assertThat(held.get(20, TimeUnit.SECONDS).email()).isEqualTo("held@a.example");
        threads.shutdown();
        assertThat(app.count("select count(*) from managed_accounts where org_id in (?::uuid, ?::uuid)", a.toString(), b.toString()))
                .isEqualTo(5);
    }

    private static Callable<Http.Response> post(TestApp.Org org, String userName) {
        return () -> app.http().send("POST", org.scimPath() + "/Users", org.token(), user(userName));
    }

    private static String user(String userName) {
        return """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s","name":{"givenName":"Ada"},
                 "emails":[{"value":"%s","primary":true}],"active":true}""".formatted(userName, userName);
    }
}
