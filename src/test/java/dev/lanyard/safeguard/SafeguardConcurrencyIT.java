package dev.lanyard.safeguard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.account.AccountProfile;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.DeprovisionGuard;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.account.Precondition;
import dev.lanyard.domain.Actor;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the safeguard counts concurrent removals (docs/safeguard.md, "Cost and concurrency"):
 * deactivations of one organization are in their transactions at the same time instead of one
 * after another, the threshold still holds exactly under concurrency, the counts stay exact when
 * removals are not applied, an admin's resume voids reservations in flight, and the percent
 * rule's count of active accounts does not count a removal in flight twice. The interleavings are
 * made with a guard that stops a removal at a chosen step until the test lets it go, not by timing.
 */
class SafeguardConcurrencyIT {
    static final TestApp app = TestApp.start();
    static final String OKTA = SafeguardIT.OKTA;
    static final String DEACTIVATE = SafeguardIT.OKTA_DEACTIVATE;
    static final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        app.close();
    }

    /**
     * One deactivation is stopped inside its transaction, after the guard let it through (it
     * holds the organization's lock, shared, and its reservation): another deactivation of the
     * same organization goes through meanwhile. With the lock taken exclusively, the second one
     * waited for the first one's commit (here: forever, so it would end in lock_timeout's 503).
     * An admin's action still waits for both.
     */
    @Test
    void two_deactivations_of_one_organization_are_in_their_transactions_at_once() throws Exception {
        TestApp.Org org = app.newOrg("overlap-" + UUID.randomUUID());
        List<String> ids = users(org, 2);
        Gate gate = new Gate(Gate.Step.AFTER_CHECK);
        Future<ManagedAccount> first = stopped(gate, org, ids.get(0));

        Http.Response second = app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), DEACTIVATE);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(first.isDone()).isFalse();

        // Saving the settings takes the lock exclusively: it waits until the first deactivation commits.
        Future<Http.Response> admin = pool.submit(() -> app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/safeguard",
                app.operatorToken(), "{\"maxCount\":7}"));
        waitUntil(() -> app.count("select count(*) from pg_locks where locktype = 'advisory' and not granted "
                + "and database = (select oid from pg_database where datname = current_database())") > 0);
        assertThat(admin.isDone()).isFalse();
        gate.go.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).active()).isFalse();
        assertThat(admin.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertCounted(org, 2);
    }

    /**
     * Property: N concurrent removals (PATCH and DELETE mixed) against a count limit L &lt; N apply
     * exactly L and hold the rest; the removals not applied gave their count back, so the
     * organization's count is exactly L and no reservation is left over.
     */
    @Test
    void concurrent_removals_apply_exactly_the_limit_and_the_count_stays_exact() throws Exception {
        for (int trial = 0; trial < 3; trial++) {
            TestApp.Org org = app.newOrg("exact-" + trial + "-" + UUID.randomUUID());
            int limit = 5 + 4 * trial;
            settings(org, "{\"maxCount\":" + limit + ",\"maxPercent\":100}");
            List<String> ids = users(org, 40);
            List<Future<Integer>> answers = new ArrayList<>();
            try (var sixteen = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < ids.size(); i++) {
                    String path = "/Users/" + ids.get(i);
                    boolean delete = i % 3 == 0;
                    answers.add(sixteen.submit(() -> app.scim(org, OKTA, delete ? "DELETE" : "PATCH", path,
                            delete ? null : DEACTIVATE).status()));
                }
            }
            List<Integer> statuses = new ArrayList<>();
            for (var a : answers) statuses.add(a.get());
            assertThat(statuses).as(statuses.toString()).filteredOn(st -> st == 200 || st == 204).hasSize(limit);
            assertThat(statuses).filteredOn(st -> st == 503).hasSize(40 - limit);
            assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and status <> 'active'", org.id()))
                    .isEqualTo(limit);
            assertThat(state(org).get("held").asLong()).isEqualTo(40 - limit);
            assertCounted(org, limit);
        }
    }

    /** A recomputation after another request changed the user keeps its reservation: the removal is counted once. */
    @Test
    void a_retry_after_a_version_conflict_reserves_once() throws Exception {
        TestApp.Org org = app.newOrg("retry-" + UUID.randomUUID());
        List<String> ids = users(org, 1);
        Gate gate = new Gate(Gate.Step.IN_RESERVE);
        Future<ManagedAccount> removal = stopped(gate, org, ids.get(0));
        renameWhileStopped(gate, org, ids.get(0));
        ManagedAccount done = removal.get(30, TimeUnit.SECONDS);
        assertThat(done.active()).isFalse();
        assertThat(done.displayName()).contains("Renamed");
        assertThat(gate.reserves.get()).isEqualTo(1);
        assertCounted(org, 1);
    }

    /** A change that is no longer a removal when computed again gives its reservation back: nothing stays counted. */
    @Test
    void a_reservation_the_change_no_longer_needs_is_given_back() throws Exception {
        TestApp.Org org = app.newOrg("back-" + UUID.randomUUID());
        List<String> ids = users(org, 1);
        Gate gate = new Gate(Gate.Step.IN_RESERVE);
        AtomicInteger computed = new AtomicInteger();
        AccountService accounts = new AccountService(tx(), gate);
        Future<ManagedAccount> change = pool.submit(() -> accounts.update(UUID.fromString(org.id()), UUID.fromString(ids.get(0)),
                Precondition.NONE, current -> profile(current, computed.getAndIncrement() == 0 ? Optional.of(false) : Optional.empty()),
                Actor.OPERATOR));
        assertThat(gate.arrived.await(30, TimeUnit.SECONDS)).as("the change reached its reservation").isTrue();
        renameWhileStopped(gate, org, ids.get(0));
        assertThat(change.get(30, TimeUnit.SECONDS).active()).isTrue();
        assertThat(computed.get()).isEqualTo(2);
        assertCounted(org, 0);
    }

    /**
     * An admin's resume between a removal's reservation and its transaction voids the reservation
     * (the window counts afresh): the removal counts again, in the new window, and applies.
     */
    @Test
    void a_resume_voids_a_reservation_in_flight_and_the_removal_counts_again() throws Exception {
        TestApp.Org org = app.newOrg("voided-" + UUID.randomUUID());
        settings(org, "{\"maxCount\":5}");
        List<String> ids = users(org, 2);
        app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(0), DEACTIVATE).expect(200);
        Gate gate = new Gate(Gate.Step.BEFORE_CHECK);
        Future<ManagedAccount> removal = stopped(gate, org, ids.get(1));
        assertThat(removals(org)).isEqualTo(2);
        app.http().send("POST", "/admin/api/orgs/" + org.id() + "/safeguard/reject-all", app.operatorToken(), (String) null)
                .expect(200);
        assertThat(removals(org)).isZero();
        gate.go.countDown();
        assertThat(removal.get(30, TimeUnit.SECONDS).active()).isFalse();
        assertThat(gate.reserves.get()).isEqualTo(2);
        assertCounted(org, 1);
    }

    /**
     * The percent rule's count of the active accounts at the window's start: removals reserved but
     * not yet applied are still active accounts, and are not counted a second time as removed.
     * Five such removals in flight are made by hand here (bucket and reservation rows, as a
     * reservation writes them); 40 accounts, so the count is 40, not 45.
     */
    @Test
    void removals_in_flight_are_not_counted_twice_in_the_active_accounts() {
        TestApp.Org org = app.newOrg("base-" + UUID.randomUUID());
        settings(org, "{\"maxPercent\":50}");
        List<String> ids = users(org, 40);
        app.execute("insert into safeguard_removals (org_id, minute, removed) values (?::uuid, date_trunc('minute', now()), 5)",
                org.id());
        app.execute("insert into safeguard_reservations (org_id, minute) select ?::uuid, date_trunc('minute', now()) "
                + "from generate_series(1, 5)", org.id());
        for (String id : ids.subList(0, 5)) app.scim(org, OKTA, "PATCH", "/Users/" + id, DEACTIVATE).expect(200);  // the 10th counts
        assertThat(app.count("select base_active from safeguard_settings where org_id = ?::uuid", org.id())).isEqualTo(40);
    }

    /**
     * While one removal counts the active accounts again (here a transaction holds the count's
     * lock, as a counting removal does), the others use the last count if it is younger than
     * BASE_MAX_AGE_WHILE_COUNTING instead of all waiting for the new one (at a million accounts the
     * count takes about 0.2 s). With no count that recent they wait for it and use it. Without
     * the first rule the removal waited for the lock until lock_timeout (a 503).
     */
    @Test
    void removals_use_the_last_count_while_another_removal_counts_again() throws Exception {
        TestApp.Org org = app.newOrg("recount-" + UUID.randomUUID());
        settings(org, "{\"maxPercent\":50}");
        List<String> ids = users(org, 40);
        for (String id : ids.subList(0, 10)) app.scim(org, OKTA, "PATCH", "/Users/" + id, DEACTIVATE).expect(200);  // the 10th counts
        assertThat(base(org)).isEqualTo(40);
        // Due for a count, still young enough to serve while one is made (a value no count gives).
        app.execute("update safeguard_settings set base_active = 41, base_at = now() - interval '6 minutes' where org_id = ?::uuid",
                org.id());
        try (Connection counting = app.services().database().dataSource().getConnection()) {
            counting.setAutoCommit(false);
            try (var lock = counting.prepareStatement("select pg_advisory_xact_lock(hashtextextended('safeguard-base:' || ?::text, 0))")) {
                lock.setObject(1, UUID.fromString(org.id()));
                lock.execute();
            }
            app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(10), DEACTIVATE).expect(200);
            assertThat(base(org)).as("used, not counted again").isEqualTo(41);

            // Too old to serve: the next removal waits for the count being made.
            app.execute("update safeguard_settings set base_at = now() - interval '11 minutes' where org_id = ?::uuid", org.id());
            Future<Http.Response> waiting = pool.submit(() -> app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(11), DEACTIVATE));
            waitUntil(() -> app.count("select count(*) from pg_locks where locktype = 'advisory' and not granted") > 0);
            assertThat(waiting.isDone()).isFalse();
            counting.rollback();  // that count ends without a result: the waiting removal counts
            waiting.get(30, TimeUnit.SECONDS).expect(200);
        }
        // 29 active as it counted (its own account among them) + 12 removed within the window - 1 (its own, counted twice)
        assertThat(base(org)).isEqualTo(40);
        assertThat(app.count("select count(*) from safeguard_settings where org_id = ?::uuid and base_at > now() - interval '1 minute'",
                org.id())).isEqualTo(1);
        assertCounted(org, 12);
    }

    /**
     * An admin's resume counts the active accounts for the window it starts, so the removals after
     * it find a count to use instead of all waiting for one (about 0.2 s at a million accounts,
     * every removal in flight). A transaction holds the count's lock throughout, as a counting
     * removal would: without the count at the resume, the 10th removal after it waited for that
     * lock until lock_timeout (a 503).
     */
    @Test
    void a_resume_counts_the_active_accounts_so_the_removals_after_it_do_not_wait_for_a_count() throws Exception {
        TestApp.Org org = app.newOrg("resume-count-" + UUID.randomUUID());
        settings(org, "{\"maxPercent\":50,\"maxCount\":3}");
        List<String> ids = users(org, 40);
        for (String id : ids.subList(0, 3)) app.scim(org, OKTA, "PATCH", "/Users/" + id, DEACTIVATE).expect(200);
        app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(3), DEACTIVATE).expect(503);  // trips on the count rule
        settings(org, "{\"maxCount\":1000}");
        app.http().send("POST", "/admin/api/orgs/" + org.id() + "/safeguard/reject-all", app.operatorToken(), (String) null)
                .expect(200);
        assertThat(base(org)).as("counted by the resume: 40 accounts, 3 deactivated").isEqualTo(37);
        assertThat(app.count("select count(*) from safeguard_settings where org_id = ?::uuid and base_at > now() - interval '1 minute'",
                org.id())).isEqualTo(1);

        try (Connection counting = app.services().database().dataSource().getConnection()) {
            counting.setAutoCommit(false);
            try (var lock = counting.prepareStatement("select pg_advisory_xact_lock(hashtextextended('safeguard-base:' || ?::text, 0))")) {
                lock.setObject(1, UUID.fromString(org.id()));
                lock.execute();
            }
            for (String id : ids.subList(3, 13)) app.scim(org, OKTA, "PATCH", "/Users/" + id, DEACTIVATE).expect(200);  // the 10th uses the count
            counting.rollback();
        }
        assertThat(base(org)).isEqualTo(37);
        assertThat(app.count("select count(*) from managed_accounts a join organizations o on o.id = a.org_id "
                + "where o.id = ?::uuid and a.status = 'active'", org.id())).isEqualTo(27);
    }

    static long base(TestApp.Org org) {
        return app.count("select base_active from safeguard_settings where org_id = ?::uuid", org.id());
    }

    /**
     * A batch's reservation of n removals (DeprovisionGuard#reserve with a count) counts them as n
     * reservations one after another would: consecutive ranks in the order of their ids, after
     * those before, and before those after; the bucket has one per reservation row.
     */
    @Test
    void a_reservation_of_several_removals_ranks_them_one_after_another() throws SQLException {
        TestApp.Org org = app.newOrg("several-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        SafeguardStore store = new SafeguardStore();
        List<Long> ranks = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        try (Connection c = app.services().database().dataSource().getConnection()) {
            for (int n : new int[] {3, 1, 2}) {
                List<SafeguardStore.Reserved> reserved = store.reserve(c, orgId, n);
                assertThat(reserved).hasSize(n);
                reserved.forEach(r -> {
                    ranks.add(r.rank());
                    seqs.add(r.seq());
                });
            }
        }
        assertThat(ranks).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        assertThat(removals(org)).isEqualTo(6);
        assertThat(reservations(org)).isEqualTo(6);
    }

    /**
     * What the reservation relies on: statements sent together on an autocommit connection are
     * one transaction, so the count lock the first one takes is held through the second (and each
     * has its own snapshot), and released at their end.
     */
    @Test
    void statements_sent_together_are_one_transaction() throws SQLException {
        try (Connection c = app.services().database().dataSource().getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
            String held = "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid = 424242";
            long during = SafeguardStore.together(c, "select pg_advisory_xact_lock(424242); select txid_current(); " + held,
                    rs -> rs.getLong(1)).orElseThrow();
            assertThat(during).isEqualTo(1);
            assertThat(SafeguardStore.together(c, held, rs -> rs.getLong(1)).orElseThrow()).isZero();
            assertThat(SafeguardStore.together(c, "select set_config('lanyard.first', txid_current()::text, true); "
                    + "select current_setting('lanyard.first')::bigint = txid_current()", rs -> rs.getBoolean(1)).orElseThrow())
                    .as("the second statement runs in the first one's transaction").isTrue();
        }
    }

    /** The real guard, stopped once at one step until the test lets it go; counts the reservations. */
    static final class Gate implements DeprovisionGuard {
        enum Step {
            /** Right after the reservation (committed): before the removal's transaction begins. */
            IN_RESERVE,
            /** In the removal's transaction, before the guard's locks. */
            BEFORE_CHECK,
            /** In the removal's transaction, after the guard let it through (its locks held). */
            AFTER_CHECK
        }

        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger reserves = new AtomicInteger();
        private final DeprovisionGuard real = SafeguardService.guard();
        private final Step step;
        private final AtomicBoolean stopped = new AtomicBoolean();

        Gate(Step step) {
            this.step = step;
        }

        @Override
        public Optional<Ticket> reserve(Connection c, UUID orgId) throws SQLException {
            Optional<Ticket> t = real.reserve(c, orgId);
            reserves.incrementAndGet();
            stopAt(Step.IN_RESERVE);
            return t;
        }

        @Override
        public Verdict check(Connection c, ManagedAccount current, Removal removal, Optional<Ticket> ticket,
                             Optional<AccountProfile> profile, Actor actor) throws SQLException {
            stopAt(Step.BEFORE_CHECK);
            Verdict v = real.check(c, current, removal, ticket, profile, actor);
            stopAt(Step.AFTER_CHECK);
            return v;
        }

        @Override
        public void giveBack(Connection c, Ticket ticket) throws SQLException {
            real.giveBack(c, ticket);
        }

        private void stopAt(Step here) {
            if (here != step || !stopped.compareAndSet(false, true)) return;
            arrived.countDown();
            try {
                if (!go.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("the test never let the removal go");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Changes the user while the removal is stopped in its reservation (after it read the user):
     * its transaction then finds another version and computes the change again.
     */
    static void renameWhileStopped(Gate gate, TestApp.Org org, String scimId) {
        app.scim(org, OKTA, "PATCH", "/Users/" + scimId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"displayName","value":"Renamed"}]}""").expect(200);
        gate.go.countDown();
    }

    /** A deactivation through {@code gate}, once it has stopped where the gate says. */
    static Future<ManagedAccount> stopped(Gate gate, TestApp.Org org, String scimId) throws InterruptedException {
        Future<ManagedAccount> removal = pool.submit(() -> deactivate(new AccountService(tx(), gate), org, scimId));
        assertThat(gate.arrived.await(30, TimeUnit.SECONDS)).as("the deactivation reached the gate").isTrue();
        return removal;
    }

    static Transactions tx() {
        return new Transactions(app.services().database().dataSource());
    }

    static ManagedAccount deactivate(AccountService accounts, TestApp.Org org, String scimId) {
        return accounts.update(UUID.fromString(org.id()), UUID.fromString(scimId), Precondition.NONE,
                current -> profile(current, Optional.of(false)), Actor.OPERATOR);
    }

    static AccountProfile profile(ManagedAccount current, Optional<Boolean> active) {
        return new AccountProfile(current.email(), current.externalId(), current.displayName(), active, current.attributes());
    }

    static List<String> users(TestApp.Org org, int n) {
        return SafeguardFixtures.users(app, org, n);
    }

    static JsonNode settings(TestApp.Org org, String body) {
        return SafeguardFixtures.settings(app, org, body);
    }

    static JsonNode state(TestApp.Org org) {
        return SafeguardFixtures.state(app, org);
    }

    /** The organization's count of removals is exactly {@code n}, and no reservation is left over. */
    static void assertCounted(TestApp.Org org, long n) {
        assertThat(removals(org)).isEqualTo(n);
        assertThat(reservations(org)).isZero();
    }

    static long removals(TestApp.Org org) {
        return app.count("select coalesce(sum(removed), 0) from safeguard_removals where org_id = ?::uuid", org.id());
    }

    static long reservations(TestApp.Org org) {
        return app.count("select count(*) from safeguard_reservations where org_id = ?::uuid", org.id());
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the condition never held");
            Thread.sleep(20);
        }
    }
}
