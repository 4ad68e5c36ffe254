package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.domain.Actor;
import dev.lanyard.safeguard.SafeguardService;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deactivations without a rename that arrive together are counted by the safeguard per
 * organization in one statement and decided and written in one transaction (AccountService's
 * batch of removals, issue 16), and each still gets exactly the answer it would get alone: the
 * safeguard's limit holds to the removal, its counts stay exact, and each applied deactivation has
 * its history row and its event. The batch never waits for one organization's admin or for an
 * account another transaction holds: that removal is tried alone, and the others go on.
 * As in ChangeBatchesIT, account_events is held locked while the removals come in, so they queue
 * and go as a batch; that they did shows in PostgreSQL: rows written by one transaction share its
 * transaction id (xmin).
 */
class RemovalBatchesIT {
    static final TestApp app = TestApp.start();
    static final String OKTA_DEACTIVATE = "{\"op\":\"replace\",\"value\":{\"active\":false}}";
    static final String ENTRA_DEACTIVATE = "{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void deactivations_of_several_organizations_in_one_batch_each_get_their_own_answer_and_the_limit_holds() throws Exception {
        TestApp.Org okta = app.newOrg("removal-okta");
        TestApp.Org entra = app.newOrg("removal-entra");
        safeguard(okta, "{\"maxCount\":100,\"maxPercent\":100}");
        safeguard(entra, "{\"maxCount\":2,\"maxPercent\":100}");
        List<String> oktaUsers = users(okta, 4);
        List<String> entraUsers = users(entra, 4);

        List<Callable<Http.Response>> removals = new ArrayList<>();
        for (int i = 0; i < 3; i++) removals.add(patch(okta, oktaUsers.get(i), OKTA_DEACTIVATE));
        for (int i = 0; i < 4; i++) removals.add(patch(entra, entraUsers.get(i), ENTRA_DEACTIVATE));
        // Two deactivations of one user at once: one deactivates it, the other then finds nothing to do.
        removals.add(patch(okta, oktaUsers.get(3), OKTA_DEACTIVATE));
        removals.add(patch(okta, oktaUsers.get(3), ENTRA_DEACTIVATE));

        List<Http.Response> answers = HeldEvents.resultsWhileLocked(app, removals);

        for (int i = 0; i < 3; i++) {
            assertThat(answers.get(i).status()).as(answers.get(i).body()).isEqualTo(200);
            assertThat(answers.get(i).json().get("active").asBoolean()).isFalse();
        }
        assertThat(answers.get(7).status()).as(answers.get(7).body()).isEqualTo(200);
        assertThat(answers.get(8).status()).as(answers.get(8).body()).isEqualTo(200);
        // Entra's organization allows 2 removals: exactly 2 apply, the others are held (503, held changes).
        List<Http.Response> entraAnswers = answers.subList(3, 7);
        assertThat(entraAnswers).filteredOn(r -> r.status() == 200).hasSize(2);
        assertThat(entraAnswers).filteredOn(r -> r.status() == 503).hasSize(2)
                .allSatisfy(r -> assertThat(r.body()).contains("safeguard"));
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and status = 'deactivated'", entra.id()))
                .isEqualTo(2);
        assertThat(app.count("select count(*) from held_changes where org_id = ?::uuid", entra.id())).isEqualTo(2);

        // What is stored is what was answered: one history row and one event per deactivated user.
        for (String user : oktaUsers) {
            assertThat(status(user)).isEqualTo("deactivated");
            assertThat(history(user, "deactivated")).isEqualTo(1);
            assertThat(app.count("select count(*) from directory_events where subject_id = (select id from managed_accounts "
                    + "where scim_id = ?::uuid) and type = 'account.deactivated'", user)).isEqualTo(1);
        }
        // The safeguard counted each applied removal once, and no reservation is left over.
        assertCounted(okta, 4);
        assertCounted(entra, 2);

        // Batched: fewer transactions than the deactivated users.
        List<String> deactivated = new ArrayList<>(oktaUsers.subList(0, 3));
        for (String user : entraUsers) if (status(user).equals("deactivated")) deactivated.add(user);
        assertThat(HeldEvents.transactionsThatWrote(app, deactivated)).isLessThan(deactivated.size());
    }

    /**
     * The safeguard's claims of a batch's reservations, and its reads of their organizations'
     * settings, are one statement for the whole batch (Safeguard#checkAll), not one per removal
     * inside the transaction that holds the batch's row locks: on the service, six deactivations
     * that arrive together send fewer claims than six, none of them a removal's own; each is
     * applied, counted once, and no reservation is left.
     */
    @Test
    void a_batchs_safeguard_claims_are_one_statement() throws Exception {
        TestApp.Org org = app.newOrg("removal-claims");
        safeguard(org, "{\"maxCount\":100,\"maxPercent\":100}");
        UUID orgId = UUID.fromString(org.id());
        List<String> statements = new CopyOnWriteArrayList<>();
        AccountService accounts = new AccountService(new Transactions(HeldEvents.recording(app.dataSource(), statements)),
                SafeguardService.guard());
        List<ManagedAccount> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) users.add(accounts.provision(orgId, HeldEvents.profile("c" + i + "@claims.example", "Ada"), new Actor.Operator()));
        statements.clear();
        List<Callable<ManagedAccount>> removals = new ArrayList<>();
        for (ManagedAccount user : users) {
            var inactive = JsonNodeFactory.instance.objectNode().put("userName", user.email()).put("active", false);
            removals.add(() -> accounts.update(orgId, user.scimId().orElseThrow(), Precondition.NONE,
                    current -> new AccountProfile(user.email(), Optional.empty(), Optional.empty(), Optional.of(false), inactive),
                    new Actor.Operator()));
        }

        List<ManagedAccount> done = HeldEvents.resultsWhileLocked(app, removals);

        assertThat(done).allSatisfy(a -> assertThat(a.active()).isFalse());
        assertCounted(org, 6);
        List<String> claims = statements.stream().filter(sql -> sql.contains("claimed as (delete from safeguard_reservations")).toList();
        assertThat(claims).hasSizeLessThan(6).isNotEmpty().allSatisfy(sql -> assertThat(sql).contains("unnest"));
    }

    /**
     * An admin's action holds the organization's safeguard lock (as SafeguardStore.lockOrganization
     * takes it): another organization's deactivation is answered meanwhile; this one's waits, on
     * its own, and applies once the lock goes. With a batch that waited for the lock, the second
     * one would wait behind it.
     */
    @Test
    void a_removal_whose_organization_an_admin_holds_does_not_hold_up_another_organizations() throws Exception {
        TestApp.Org held = app.newOrg("removal-admin-held");
        TestApp.Org other = app.newOrg("removal-admin-other");
        String heldUser = users(held, 1).getFirst();
        String otherUser = users(other, 1).getFirst();
        assertGoesOnWhile("select pg_advisory_xact_lock(hashtextextended('safeguard:' || '" + held.id() + "', 0))",
                patch(held, heldUser, OKTA_DEACTIVATE), patch(other, otherUser, ENTRA_DEACTIVATE));
        assertThat(status(heldUser)).isEqualTo("deactivated");
        assertThat(status(otherUser)).isEqualTo("deactivated");
        assertCounted(held, 1);
        assertCounted(other, 1);
    }

    /** The same with the account itself locked by another transaction: the batch skips it, the other removal goes on. */
    @Test
    void a_removal_of_an_account_another_transaction_holds_does_not_hold_up_the_others() throws Exception {
        TestApp.Org org = app.newOrg("removal-row-held");
        List<String> users = users(org, 2);
        assertGoesOnWhile("select 1 from managed_accounts where scim_id = '" + users.get(0) + "' for update",
                patch(org, users.get(0), OKTA_DEACTIVATE), patch(org, users.get(1), OKTA_DEACTIVATE));
        assertThat(status(users.get(0))).isEqualTo("deactivated");
        assertThat(status(users.get(1))).isEqualTo("deactivated");
        assertCounted(org, 2);
    }

    /**
     * While a transaction holds what {@code hold} takes, {@code waiting} is sent first and
     * {@code goingOn} after it: goingOn is answered (200) while the hold lasts and waiting is not;
     * once the hold goes (well within the pool's lock_timeout of 3 s), waiting is answered 200.
     */
    private static void assertGoesOnWhile(String hold, Callable<Http.Response> waiting, Callable<Http.Response> goingOn) throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (Connection holder = app.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var s = holder.createStatement()) {
                s.execute(hold);
            }
            Future<Http.Response> first = threads.submit(waiting);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (app.count("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and backend_type = 'client backend'") == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(first.isDone()).as("the first removal waits for the hold").isFalse();
            Future<Http.Response> second = threads.submit(goingOn);
            Http.Response answered = second.get(2, TimeUnit.SECONDS);
            assertThat(answered.status()).as(answered.body()).isEqualTo(200);
            assertThat(first.isDone()).as("the first removal still waits").isFalse();
            holder.rollback();
            Http.Response later = first.get(10, TimeUnit.SECONDS);
            assertThat(later.status()).as(later.body()).isEqualTo(200);
        } finally {
            threads.shutdown();
        }
    }

    private static void safeguard(TestApp.Org org, String body) {
        app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), body).expect(200);
    }

    private static List<String> users(TestApp.Org org, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(app.http().send("POST", org.scimPath() + "/Users", org.token(), """
                    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u%d@removal.example","active":true}"""
                    .formatted(i)).expect(201).json().get("id").asText());
        }
        return ids;
    }

    private static String status(String scimId) {
        return app.queryString("select status from managed_accounts where scim_id = ?::uuid", scimId);
    }

    private static long history(String scimId, String kind) {
        return app.count("select count(*) from account_events where account_id = (select id from managed_accounts where scim_id = ?::uuid) "
                + "and kind = ? and actor like 'scim:token:%'", scimId, kind);
    }

    /** The organization's count of removals is exactly {@code n}, and no reservation is left over. */
    private static void assertCounted(TestApp.Org org, long n) {
        assertThat(app.count("select coalesce(sum(removed), 0) from safeguard_removals where org_id = ?::uuid", org.id())).isEqualTo(n);
        assertThat(app.count("select count(*) from safeguard_reservations where org_id = ?::uuid", org.id())).isZero();
    }

    private static Callable<Http.Response> patch(TestApp.Org org, String scimId, String operation) {
        String body = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + operation + "]}";
        return () -> app.http().send("PATCH", org.scimPath() + "/Users/" + scimId, org.token(), body);
    }
}
