package dev.lanyard.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.AccountService;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.StatementRecorder;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A page of Users, and one User read by id, bring each one's groups in their own statement (issue
 * 16): the IdPs' pre-check (a filtered first page) and Okta's read before a change are one round
 * trip to PostgreSQL each, not two, and the groups are the same, in the same order (by name, any
 * letter case), as a separate query gave them.
 */
class GroupsBesideAccountsIT {
    static final TestApp app = TestApp.start();
    static final TestApp.Org org = app.newOrg("beside");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_page_reads_its_users_groups_in_the_same_statement() throws Exception {
        String ann = user("ann@example.com"), bo = user("bo@example.com"), cy = user("cy@example.com");
        String beta = scim("POST", "/Groups", GroupsIT.group("beta", ann, bo)).expect(201).json().get("id").asText();
        String alpha = scim("POST", "/Groups", GroupsIT.group("Alpha", ann)).expect(201).json().get("id").asText();

        StatementRecorder recorder = new StatementRecorder();
        AccountService accounts = new AccountService(new Transactions(recorder.wrap(app.dataSource())));
        var criteria = AccountService.criteria(Optional.of(ScimFilters.parse("userName co \"@example.com\"")), Optional.of("userName"), false);
        AccountService.SearchPage page = accounts.searchLinked(UUID.fromString(org.id()), criteria, new AccountQuery.Index(0, 10),
                Optional.of(GroupService.GROUPS_BESIDE_ACCOUNTS));

        assertThat(recorder.calls()).containsExactly("execute");
        assertThat(page.accounts()).hasSize(3);
        Map<UUID, String> beside = page.beside();
        assertThat(beside).containsOnlyKeys(UUID.fromString(ann), UUID.fromString(bo));  // cy is in no group
        assertThat(GroupService.memberships(UUID.fromString(ann), beside.get(UUID.fromString(ann))))
                .extracting(GroupService.Membership::groupId, GroupService.Membership::displayName)
                .containsExactly(tuple(UUID.fromString(alpha), "Alpha"),
                        tuple(UUID.fromString(beta), "beta"));
        // The same as the query for one user's groups gives.
        var separate = new GroupService(new Transactions(app.dataSource())).groupsOf(UUID.fromString(org.id()), List.of(UUID.fromString(ann)));
        assertThat(GroupService.memberships(UUID.fromString(ann), beside.get(UUID.fromString(ann))))
                .isEqualTo(separate.get(UUID.fromString(ann)));

        // Over HTTP, the pre-check's answer carries them; excludedAttributes=groups leaves them out.
        JsonNode found = scim("GET", "/Users?filter=userName%20eq%20%22ann@example.com%22&startIndex=1&count=100", null).expect(200).json();
        assertThat(found.at("/Resources/0/groups/0/display").asText()).isEqualTo("Alpha");
        assertThat(found.at("/Resources/0/groups/1/value").asText()).isEqualTo(beta);
        assertThat(found.at("/Resources/0/groups/1/$ref").asText()).endsWith("/Groups/" + beta);
        JsonNode without = scim("GET", "/Users?filter=userName%20eq%20%22ann@example.com%22&excludedAttributes=groups", null).expect(200).json();
        assertThat(without.at("/Resources/0").has("groups")).isFalse();
        assertThat(without.at("/Resources/0/userName").asText()).isEqualTo("ann@example.com");
        // A page with an offset reads the groups in an outer SELECT over the page (AccountStore.searchLinked),
        // a first page in the page's own SELECT: both give each user of the page its own groups.
        String byName = "/Users?filter=userName%20co%20%22@example.com%22&sortBy=userName&count=1&startIndex=";
        JsonNode first = scim("GET", byName + "1", null).expect(200).json();
        assertThat(first.at("/Resources/0/id").asText()).isEqualTo(ann);
        assertThat(first.at("/Resources/0/groups").findValuesAsText("value")).containsExactly(alpha, beta);
        JsonNode second = scim("GET", byName + "2", null).expect(200).json();
        assertThat(second.at("/Resources/0/id").asText()).isEqualTo(bo);
        assertThat(second.at("/Resources/0/groups").findValuesAsText("value")).containsExactly(beta);
        JsonNode third = scim("GET", byName + "3", null).expect(200).json();
        assertThat(third.at("/Resources/0/id").asText()).isEqualTo(cy);
        assertThat(third.at("/Resources/0").has("groups")).isFalse();
        JsonNode none = scim("GET", "/Users?filter=userName%20eq%20%22cy@example.com%22", null).expect(200).json();
        assertThat(none.at("/Resources/0/id").asText()).isEqualTo(cy);
        assertThat(none.at("/Resources/0").has("groups")).isFalse();
    }

    @Test
    void one_user_read_brings_its_groups_in_the_same_statement() throws Exception {
        String dee = user("dee@one-read.test"), eve = user("eve@one-read.test");
        String gamma = scim("POST", "/Groups", GroupsIT.group("gamma", dee)).expect(201).json().get("id").asText();
        String delta = scim("POST", "/Groups", GroupsIT.group("Delta", dee)).expect(201).json().get("id").asText();

        StatementRecorder recorder = new StatementRecorder();
        AccountService accounts = new AccountService(new Transactions(recorder.wrap(app.dataSource())));
        AccountService.Found found = accounts.findLinked(UUID.fromString(org.id()), UUID.fromString(dee),
                Optional.of(GroupService.GROUPS_BESIDE_ACCOUNTS)).orElseThrow();

        assertThat(recorder.calls()).containsExactly("execute");
        assertThat(found.account().scimId()).contains(UUID.fromString(dee));
        var separate = new GroupService(new Transactions(app.dataSource())).groupsOf(UUID.fromString(org.id()), List.of(UUID.fromString(dee)));
        assertThat(GroupService.memberships(UUID.fromString(dee), found.beside().orElseThrow())).isEqualTo(separate.get(UUID.fromString(dee)))
                .extracting(GroupService.Membership::displayName).containsExactly("Delta", "gamma");
        assertThat(accounts.findLinked(UUID.fromString(org.id()), UUID.fromString(eve), Optional.of(GroupService.GROUPS_BESIDE_ACCOUNTS))
                .orElseThrow().beside()).isEmpty();  // in no group

        // Over HTTP: GET /Users/{id} carries them, in that order; excludedAttributes=groups leaves them out.
        JsonNode read = scim("GET", "/Users/" + dee, null).expect(200).json();
        assertThat(read.at("/groups/0/value").asText()).isEqualTo(delta);
        assertThat(read.at("/groups/0/$ref").asText()).endsWith("/Groups/" + delta);
        assertThat(read.at("/groups/1/display").asText()).isEqualTo("gamma");
        assertThat(read.at("/groups/1/value").asText()).isEqualTo(gamma);
        assertThat(read.at("/groups/1/type").asText()).isEqualTo("direct");
        assertThat(scim("GET", "/Users/" + dee + "?excludedAttributes=groups", null).expect(200).json().has("groups")).isFalse();
        assertThat(scim("GET", "/Users/" + eve, null).expect(200).json().has("groups")).isFalse();
    }

    @Test
    void a_change_reads_the_users_groups_with_the_account_it_is_computed_from() throws Exception {
        String fay = user("fay@a-change.test");
        String team = scim("POST", "/Groups", GroupsIT.group("Team", fay)).expect(201).json().get("id").asText();
        UUID orgId = UUID.fromString(org.id());

        StatementRecorder recorder = new StatementRecorder();
        AccountService accounts = new AccountService(new Transactions(recorder.wrap(app.dataSource())));
        AccountService.Found changed = accounts.update(orgId, UUID.fromString(fay), dev.lanyard.account.Precondition.NONE,
                current -> new dev.lanyard.account.AccountProfile(current.email(), Optional.empty(), Optional.of("Fay"), Optional.of(true),
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("userName", current.email())
                                .put("displayName", "Fay")),
                new dev.lanyard.domain.Actor.Operator(), Optional.of(GroupService.GROUPS_BESIDE_ACCOUNTS));

        assertThat(recorder.calls()).containsExactly("execute", "execute");  // the read (groups beside), the write: no third
        assertThat(changed.account().displayName()).contains("Fay");
        assertThat(GroupService.memberships(UUID.fromString(fay), changed.beside().orElseThrow()))
                .extracting(GroupService.Membership::groupId).containsExactly(UUID.fromString(team));

        // Over HTTP: PATCH and PUT answer with the groups; excludedAttributes=groups leaves them out.
        JsonNode patched = scim("PATCH", "/Users/" + fay, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Fay F."}]}""")
                .expect(200).json();
        assertThat(patched.at("/displayName").asText()).isEqualTo("Fay F.");
        assertThat(patched.at("/groups/0/value").asText()).isEqualTo(team);
        assertThat(patched.at("/groups/0/display").asText()).isEqualTo("Team");
        JsonNode replaced = scim("PUT", "/Users/" + fay, "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
                + "\"userName\":\"fay@a-change.test\",\"displayName\":\"Fay G.\"}").expect(200).json();
        assertThat(replaced.at("/displayName").asText()).isEqualTo("Fay G.");
        assertThat(replaced.at("/groups/0/$ref").asText()).endsWith("/Groups/" + team);
        JsonNode without = scim("PATCH", "/Users/" + fay + "?excludedAttributes=groups", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Fay H."}]}""")
                .expect(200).json();
        assertThat(without.has("groups")).isFalse();
        assertThat(without.at("/displayName").asText()).isEqualTo("Fay H.");
    }

    private static Http.Response scim(String method, String path, String body) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Authorization", "Bearer " + org.token()));
        if (body != null) headers.put("Content-Type", "application/scim+json");
        return app.http().send(method, org.scimPath() + path, body, headers);
    }

    private static String user(String email) {
        return scim("POST", "/Users", GroupsIT.userBody(email)).expect(201).json().get("id").asText();
    }
}
