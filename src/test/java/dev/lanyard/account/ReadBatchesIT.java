package dev.lanyard.account;

import dev.lanyard.domain.Actor;
import dev.lanyard.group.GroupService;
import dev.lanyard.storage.Database;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads of one user by SCIM id (GET /Users/{id}, and the read before a PATCH or PUT) that arrive
 * together are one statement (storage.Batches, issue 16), and each still gets exactly the answer
 * it would get alone. To make them arrive together, managed_accounts is held locked against reads
 * while they come in (HeldEvents): the first wait on the lock, the rest queue behind them.
 */
class ReadBatchesIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void reads_of_several_organizations_in_one_batch_each_get_the_answer_they_get_alone_over_http() throws Exception {
        eachAnswersAsAlone(app);
    }

    /**
     * The same on a database large enough for connections to keep plans made without values
     * (Database.KEPT_PLANS_MIN_ROWS): the batch then runs on its kept plan (Sql.KEPT_INDEX_PLAN),
     * and that plan reaches each row by the unique index on scim_id, not by an index over the
     * whole organization.
     */
    @Test
    void the_same_on_a_database_large_enough_to_keep_plans_whose_plan_takes_the_scim_id_index() throws Exception {
        try (TestApp large = TestApp.start()) {
            String filler = large.newOrg("read-filler").id();
            large.execute("""
                    insert into managed_accounts (id, org_id, email, status, scim_id, attributes, scim_created_at)
                    select gen_random_uuid(), ?::uuid, 'filler' || n || '@example.com', 'active', gen_random_uuid(), '{}', now()
                      from generate_series(1, ?) n""", filler, Database.KEPT_PLANS_MIN_ROWS);
            large.execute("analyze managed_accounts");
            large.awaitPlansKept();
            eachAnswersAsAlone(large);

            String shape = new AccountStore.Read(UUID.randomUUID(), UUID.randomUUID(), Optional.of(GroupService.GROUPS_BESIDE_ACCOUNTS)).shape();
            StringBuilder plan = new StringBuilder();
            try (Connection c = large.dataSource().getConnection(); var s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("set local plan_cache_mode = force_generic_plan; set local enable_seqscan = off; "
                        + "set local enable_hashjoin = off; set local enable_mergejoin = off");
                s.execute("prepare reads(uuid[], uuid[]) as select v.read_n, p.* from unnest($1, $2) "
                        + "with ordinality as v(read_org, read_scim, read_n) cross join lateral (" + shape + ") p");
                try (var rs = s.executeQuery("explain execute reads(array['" + filler + "'::uuid], array[gen_random_uuid()])")) {
                    while (rs.next()) plan.append(rs.getString(1)).append('\n');
                }
                c.rollback();
            }
            assertThat(plan.toString()).contains("managed_accounts_scim_id_key").doesNotContain("Seq Scan on managed_accounts");
        }
    }

    private static void eachAnswersAsAlone(TestApp app) throws Exception {
        TestApp.Org okta = app.newOrg("read-okta");
        TestApp.Org entra = app.newOrg("read-entra");
        String u0 = create(app, okta, "u0@okta.example");
        String u1 = create(app, okta, "u1@okta.example");
        String member = create(app, okta, "member@okta.example");
        String e0 = create(app, entra, "e0@entra.example");
        String e1 = create(app, entra, "e1@entra.example");
        app.http().send("POST", okta.scimPath() + "/Groups", okta.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering",
                 "members":[{"value":"%s"}]}""".formatted(member)).expect(201);

        List<Callable<Http.Response>> reads = new ArrayList<>();
        reads.add(get(app, okta, u0, ""));
        reads.add(get(app, okta, member, ""));                             // with its group
        reads.add(get(app, okta, u1, "?attributes=userName"));             // another shape: no groups beside
        reads.add(get(app, okta, UUID.randomUUID().toString(), ""));       // nobody: 404
        reads.add(get(app, entra, e0, ""));
        reads.add(get(app, entra, u0, ""));                                // another organization's user: 404
        reads.add(() -> app.http().send("PATCH", entra.scimPath() + "/Users/" + e1, entra.token(), """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Replace","path":"name.givenName","value":"Grace"}]}"""));  // its read waits too
        // The tokens are confirmed (and cached) before the lock, so only the reads wait on it.
        reads.get(0).call().expect(200);
        reads.get(4).call().expect(200);

        List<Http.Response> together = HeldEvents.results(
                HeldEvents.whileLocked(app, "managed_accounts in access exclusive mode", "%from managed_accounts%", reads));

        int[] expected = {200, 200, 200, 404, 200, 404, 200};
        for (int i = 0; i < reads.size(); i++) {
            assertThat(together.get(i).status()).as(together.get(i).body()).isEqualTo(expected[i]);
        }
        for (int i = 0; i < 6; i++) {
            // Exactly the answer the same read gets alone.
            assertThat(together.get(i).json()).isEqualTo(reads.get(i).call().json());
        }
        assertThat(together.get(1).json().get("groups").get(0).get("display").asText()).isEqualTo("Engineering");
        assertThat(together.get(2).json().has("name")).isFalse();
        assertThat(together.get(2).json().get("userName").asText()).isEqualTo("u1@okta.example");
        assertThat(together.get(6).json().get("name").get("givenName").asText()).isEqualTo("Grace");
        assertThat(get(app, entra, e1, "").call().expect(200).json().get("name").get("givenName").asText()).isEqualTo("Grace");
    }

    /** That they were read together: fewer statements than reads, one of them the batch's. */
    @Test
    void reads_that_arrive_together_are_one_statement() throws Exception {
        TestApp.Org org = app.newOrg("read-counted");
        UUID orgId = UUID.fromString(org.id());
        List<String> statements = new CopyOnWriteArrayList<>();
        AccountService accounts = new AccountService(new Transactions(HeldEvents.recording(app.dataSource(), statements)));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(accounts.provision(orgId, HeldEvents.profile("r" + i + "@counted.example", "Ada"), new Actor.Operator()).scimId().orElseThrow());
        }
        ids.add(UUID.randomUUID());
        ids.add(UUID.randomUUID());
        statements.clear();
        List<Callable<Optional<AccountService.Found>>> reads = new ArrayList<>();
        for (UUID id : ids) reads.add(() -> accounts.findLinked(orgId, id, Optional.empty()));

        List<Optional<AccountService.Found>> found = HeldEvents.results(
                HeldEvents.whileLocked(app, "managed_accounts in access exclusive mode", "%from managed_accounts%", reads));

        for (int i = 0; i < 8; i++) {
            assertThat(found.get(i).map(f -> f.account().email())).isEqualTo(i < 6 ? Optional.of("r" + i + "@counted.example") : Optional.empty());
        }
        assertThat(statements).hasSizeLessThan(8).anySatisfy(sql -> assertThat(sql).contains("read_n"));
    }

    private static String create(TestApp app, TestApp.Org org, String userName) {
        return app.http().send("POST", org.scimPath() + "/Users", org.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",
                 "name":{"givenName":"Ada"},"emails":[{"value":"%s","primary":true}],"active":true}"""
                .formatted(userName, userName)).expect(201).json().get("id").asText();
    }

    private static Callable<Http.Response> get(TestApp app, TestApp.Org org, String id, String query) {
        return () -> app.http().send("GET", org.scimPath() + "/Users/" + id + query, org.token(), (String) null);
    }
}
