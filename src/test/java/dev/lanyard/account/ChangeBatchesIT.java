package dev.lanyard.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.storage.StorageException;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SCIM changes without a rename that take no access away (reactivations, profile syncs) that
 * arrive together are written as one statement (storage.Batches, issue 16), and each still
 * gets exactly the answer it would get alone. As in CreateBatchesIT, account_events is held locked
 * while the changes come in, so they queue and go as a batch; that they did shows in PostgreSQL:
 * rows written by one statement share its transaction id (xmin).
 */
class ChangeBatchesIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void changes_of_several_organizations_in_one_batch_each_get_their_own_answer_over_http() throws Exception {
        TestApp.Org okta = app.newOrg("change-okta");
        TestApp.Org entra = app.newOrg("change-entra");
        List<String> oktaUsers = new ArrayList<>();
        List<String> entraUsers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            oktaUsers.add(create(okta, "u" + i + "@okta.example", i % 2 == 0));
            entraUsers.add(create(entra, "u" + i + "@entra.example", i % 2 == 0));
        }
        long versionBefore = version(oktaUsers.get(3));

        List<Callable<Http.Response>> changes = new ArrayList<>();
        // Okta's reactivation and profile sync; Entra's Replace of active and of displayName.
        changes.add(patch(okta, oktaUsers.get(1), "{\"op\":\"replace\",\"value\":{\"active\":true}}"));
        changes.add(patch(okta, oktaUsers.get(2), "{\"op\":\"replace\",\"value\":{\"displayName\":\"Okta Two\"}}"));
        changes.add(patch(entra, entraUsers.get(1), "{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"True\"}"));
        changes.add(patch(entra, entraUsers.get(2), "{\"op\":\"Replace\",\"path\":\"displayName\",\"value\":\"Entra Two\"}"));
        // A letter case change of the userName is the same address: still one statement.
        changes.add(patch(entra, entraUsers.get(0), "{\"op\":\"Replace\",\"path\":\"userName\",\"value\":\"U0@Entra.example\"}"));
        // Two changes of one user at once: both apply, one after the other, each with its history row.
        changes.add(patch(okta, oktaUsers.get(0), "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Engineer\"}"));
        changes.add(patch(okta, oktaUsers.get(0), "{\"op\":\"replace\",\"path\":\"nickName\",\"value\":\"Ada\"}"));
        // Changes nothing: no write, no history row, the same version.
        changes.add(patch(okta, oktaUsers.get(3), "{\"op\":\"replace\",\"value\":{\"active\":false}}"));

        List<Http.Response> answers = HeldEvents.resultsWhileLocked(app, changes);

        for (Http.Response r : answers) assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(answers.get(0).json().get("active").asBoolean()).isTrue();
        assertThat(answers.get(1).json().get("displayName").asText()).isEqualTo("Okta Two");
        assertThat(answers.get(2).json().get("active").asBoolean()).isTrue();
        assertThat(answers.get(3).json().get("displayName").asText()).isEqualTo("Entra Two");
        assertThat(answers.get(4).json().get("userName").asText()).isEqualTo("U0@Entra.example");

        // What is stored is what was answered, and each change wrote one history row and one event.
        JsonNode both = get(okta, oktaUsers.get(0));
        assertThat(both.get("title").asText()).isEqualTo("Engineer");
        assertThat(both.get("nickName").asText()).isEqualTo("Ada");
        assertThat(history(oktaUsers.get(0), "updated")).isEqualTo(2);
        assertThat(get(okta, oktaUsers.get(1)).get("active").asBoolean()).isTrue();
        assertThat(history(oktaUsers.get(1), "reactivated")).isEqualTo(1);
        assertThat(history(oktaUsers.get(2), "updated")).isEqualTo(1);
        assertThat(get(entra, entraUsers.get(1)).get("active").asBoolean()).isTrue();
        assertThat(history(entraUsers.get(1), "reactivated")).isEqualTo(1);
        assertThat(get(entra, entraUsers.get(2)).get("displayName").asText()).isEqualTo("Entra Two");
        assertThat(get(entra, entraUsers.get(0)).get("userName").asText()).isEqualTo("U0@Entra.example");
        assertThat(history(entraUsers.get(0), "updated")).isEqualTo(1);
        assertThat(history(oktaUsers.get(3), "updated") + history(oktaUsers.get(3), "deactivated")).isZero();
        assertThat(version(oktaUsers.get(3))).isEqualTo(versionBefore);
        assertThat(app.count("select count(*) from directory_events where subject_id = (select id from managed_accounts "
                + "where scim_id = ?::uuid) and type = 'account.updated'", oktaUsers.get(0))).isEqualTo(2);
        assertThat(app.count("select count(*) from directory_events where subject_id = (select id from managed_accounts "
                + "where scim_id = ?::uuid) and type = 'account.reactivated'", entraUsers.get(1))).isEqualTo(1);

        // Batched: fewer transactions than the six accounts the changes of the other users wrote.
        List<String> changed = List.of(oktaUsers.get(1), oktaUsers.get(2), entraUsers.get(0), entraUsers.get(1), entraUsers.get(2));
        assertThat(HeldEvents.transactionsThatWrote(app, changed)).isLessThan(changed.size());
    }

    /**
     * A batch that PostgreSQL refuses because of one change's values (JSON text it cannot store,
     * which the HTTP layer refuses before: the service is asked directly) is written again change
     * by change: the others apply, the bad one fails alone and writes nothing.
     */
    @Test
    void one_change_that_postgresql_refuses_fails_alone() throws Exception {
        TestApp.Org org = app.newOrg("change-refused");
        UUID orgId = UUID.fromString(org.id());
        AccountService accounts = new AccountService(new Transactions(app.dataSource()));
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            users.add(accounts.provision(orgId, HeldEvents.profile("c" + i + "@refused.example", "Ada"), new Actor.Operator()).scimId().orElseThrow());
        }
        List<Callable<ManagedAccount>> changes = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String name = i == 6 ? "Gr\u0000ce" : "Grace" + i;
            UUID user = users.get(i);
            changes.add(() -> accounts.update(orgId, user, Precondition.NONE, a -> renamed(a, name), new Actor.Operator()));
        }

        List<Future<ManagedAccount>> results = HeldEvents.whileLocked(app, changes);

        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).get().attributes().get("name").get("givenName").asText()).isEqualTo("Grace" + i);
        }
        assertThatThrownBy(() -> results.get(6).get()).hasCauseInstanceOf(StorageException.class);
        assertThat(app.count("select count(*) from account_events where org_id = ?::uuid and kind = 'updated'", org.id())).isEqualTo(6);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and version = 2", org.id())).isEqualTo(6);
        assertThat(accounts.findLinked(orgId, users.get(6)).orElseThrow().attributes().get("name").get("givenName").asText())
                .isEqualTo("Ada");
    }

    private static AccountProfile renamed(ManagedAccount a, String givenName) {
        ObjectNode attributes = a.attributes().deepCopy();
        ((ObjectNode) attributes.get("name")).put("givenName", givenName);
        return new AccountProfile(a.email(), a.externalId(), a.displayName(), Optional.of(true), attributes);
    }

    private static String create(TestApp.Org org, String userName, boolean active) {
        return app.http().send("POST", org.scimPath() + "/Users", org.token(), """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s","name":{"givenName":"Ada"},
                 "emails":[{"value":"%s","primary":true}],"active":%s}""".formatted(userName, userName, active))
                .expect(201).json().get("id").asText();
    }

    private static JsonNode get(TestApp.Org org, String scimId) {
        return app.http().send("GET", org.scimPath() + "/Users/" + scimId, org.token(), (String) null).expect(200).json();
    }

    private static long history(String scimId, String kind) {
        return app.count("select count(*) from account_events where account_id = (select id from managed_accounts where scim_id = ?::uuid) "
                + "and kind = ? and actor like 'scim:token:%'", scimId, kind);
    }

    private static long version(String scimId) {
        return app.count("select version from managed_accounts where scim_id = ?::uuid", scimId);
    }

    private static Callable<Http.Response> patch(TestApp.Org org, String scimId, String operation) {
        String body = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + operation + "]}";
        return () -> app.http().send("PATCH", org.scimPath() + "/Users/" + scimId, org.token(), body);
    }
}
