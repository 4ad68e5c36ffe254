package dev.lanyard.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The organization's username change policy over SCIM (PUT, PATCH, Bulk) and the admin API, on
 * the real server and database: new_account is the product guide's rule 7, rename_in_place keeps
 * the account and changes its email.
 */
class UsernameChangePolicyIT {
    static final TestApp app = TestApp.start();
    static final ObjectMapper JSON = new ObjectMapper();
    TestApp.Org org;

    @BeforeEach
    void newOrg() {
        org = app.newOrg("policy-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_new_organization_creates_a_new_account_on_a_rename_and_the_admin_api_says_so() {
        assertThat(admin("GET", "", null).expect(200).json().get("usernameChangePolicy").asText()).isEqualTo("new_account");
        String id = createUser("ann@example.com");
        String accountId = accountIdOf(id);

        JsonNode renamed = scim("PUT", "/Users/" + id, "{\"userName\":\"ann.new@example.com\"}").expect(200).json();

        assertThat(renamed.get("id").asText()).isEqualTo(id);
        assertThat(accountIdOf(id)).isNotEqualTo(accountId);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid and status = 'invalidated' "
                + "and email = 'ann@example.com' and scim_id is null", accountId)).isEqualTo(1);
        assertThat(kinds(accountId)).containsExactly("created", "invalidated");
        assertThat(app.count("select count(*) from account_events where org_id = ?::uuid and kind = 'renamed'", org.id())).isZero();
    }

    @Test
    void under_rename_in_place_a_patch_renames_the_same_account_with_its_ids_and_a_new_version() {
        setPolicy("rename_in_place").expect(200);
        Http.Response created = scim("POST", "/Users", user("bo@example.com"));
        String id = created.expect(201).json().get("id").asText();
        String accountId = accountIdOf(id);

        JsonNode renamed = scim("PATCH", "/Users/" + id,
                patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"bo.new@example.com\"}")).expect(200).json();

        assertThat(renamed.get("id").asText()).isEqualTo(id);
        assertThat(renamed.get("userName").asText()).isEqualTo("bo.new@example.com");
        assertThat(renamed.at("/meta/version").asText()).isEqualTo("W/\"2\"");
        assertThat(renamed.at("/meta/created").asText()).isEqualTo(created.json().at("/meta/created").asText());
        assertThat(accountIdOf(id)).isEqualTo(accountId);
        assertThat(accounts()).isEqualTo(1);
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid and scim_id = ?::uuid and status = 'active' "
                + "and email = 'bo.new@example.com' and version = 2 and successor_id is null", accountId, id)).isEqualTo(1);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and lower(email) = 'bo@example.com'",
                org.id())).isZero();
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and status = 'invalidated'",
                org.id())).isZero();
        assertThat(total("userName eq \"bo@example.com\"")).isZero();
        assertThat(total("userName eq \"bo.new@example.com\"")).isEqualTo(1);

        List<JsonNode> history = history(accountId);
        assertThat(history).extracting(e -> e.get("kind").asText()).containsExactly("created", "renamed");
        JsonNode detail = detail(history.get(1));
        assertThat(detail.get("from").asText()).isEqualTo("bo@example.com");
        assertThat(detail.get("to").asText()).isEqualTo("bo.new@example.com");
        assertThat(history.get(1).get("actor").asText()).isEqualTo("scim:token:" + org.tokenId());
    }

    @Test
    void under_rename_in_place_a_put_that_renames_and_deactivates_records_both_on_the_same_account() {
        setPolicy("rename_in_place").expect(200);
        String id = createUser("cy@example.com");
        String accountId = accountIdOf(id);

        JsonNode renamed = scim("PUT", "/Users/" + id, "{\"userName\":\"cy.new@example.com\",\"active\":false,\"title\":\"CFO\"}")
                .expect(200).json();

        assertThat(renamed.get("id").asText()).isEqualTo(id);
        assertThat(renamed.get("active").asBoolean()).isFalse();
        assertThat(renamed.get("title").asText()).isEqualTo("CFO");
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid and scim_id = ?::uuid "
                + "and status = 'deactivated' and email = 'cy.new@example.com' and version = 2", accountId, id)).isEqualTo(1);
        assertThat(accounts()).isEqualTo(1);
        assertThat(kinds(accountId)).containsExactly("created", "renamed", "deactivated");
    }

    @Test
    void under_rename_in_place_a_rename_onto_a_taken_userName_is_409_and_changes_nothing() {
        setPolicy("rename_in_place").expect(200);
        createUser("taken@example.com");
        String id = createUser("dee@example.com");
        String accountId = accountIdOf(id);

        Http.Response r = scim("PATCH", "/Users/" + id,
                patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"TAKEN@example.com\"}"));

        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("scimType").asText()).isEqualTo("uniqueness");
        JsonNode user = scim("GET", "/Users/" + id, null).expect(200).json();
        assertThat(user.get("userName").asText()).isEqualTo("dee@example.com");
        assertThat(user.at("/meta/version").asText()).isEqualTo("W/\"1\"");
        assertThat(accounts()).isEqualTo(2);
        assertThat(kinds(accountId)).containsExactly("created");
    }

    @Test
    void a_letter_case_change_stays_an_update_under_either_policy() {
        setPolicy("rename_in_place").expect(200);
        String id = createUser("eve@example.com");
        scim("PUT", "/Users/" + id, "{\"userName\":\"Eve@Example.com\"}").expect(200);
        assertThat(kinds(accountIdOf(id))).containsExactly("created", "updated");
    }

    @Test
    void a_bulk_patch_renames_in_place_like_the_single_request() {
        setPolicy("rename_in_place").expect(200);
        String id = createUser("fay@example.com");
        String accountId = accountIdOf(id);
        String bulk = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"],\"Operations\":[{\"method\":\"PATCH\","
                + "\"path\":\"/Users/" + id + "\",\"data\":"
                + patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"fay.new@example.com\"}") + "}]}";

        JsonNode results = scim("POST", "/Bulk", bulk).expect(200).json().get("Operations");

        assertThat(results.get(0).get("status").asText()).isEqualTo("200");
        assertThat(results.get(0).get("version").asText()).isEqualTo("W/\"2\"");
        assertThat(accountIdOf(id)).isEqualTo(accountId);
        assertThat(accounts()).isEqualTo(1);
        assertThat(kinds(accountId)).containsExactly("created", "renamed");
    }

    @Test
    void switching_back_to_new_account_applies_to_the_next_rename_only() {
        setPolicy("rename_in_place").expect(200);
        String id = createUser("gus@example.com");
        String accountId = accountIdOf(id);
        rename(id, "gus.two@example.com");
        setPolicy("new_account").expect(200);

        rename(id, "gus.three@example.com");

        assertThat(accountIdOf(id)).isNotEqualTo(accountId);
        assertThat(kinds(accountId)).containsExactly("created", "renamed", "invalidated");
        assertThat(app.count("select count(*) from managed_accounts where id = ?::uuid and status = 'invalidated' "
                + "and email = 'gus.two@example.com'", accountId)).isEqualTo(1);
    }

    @Test
    void a_renamed_account_deleted_by_the_idp_is_reattached_by_a_post_of_its_new_userName_not_its_old_one() {
        String accountId = renamedInPlaceThenDeletedByTheIdp("hal@example.com", "hal.new@example.com");

        String fresh = createUser("hal@example.com");
        assertThat(accountIdOf(fresh)).isNotEqualTo(accountId);
        String again = createUser("hal.new@example.com");
        assertThat(accountIdOf(again)).isEqualTo(accountId);
        assertThat(kinds(accountId)).containsExactly("created", "renamed", "disabled", "reattached");
    }

    @Test
    void deleting_a_renamed_account_by_hand_takes_its_emails_out_of_the_history() {
        String accountId = renamedInPlaceThenDeletedByTheIdp("ida@example.com", "ida.new@example.com");

        admin("DELETE", "/accounts/" + accountId, null).expect(204);

        assertThat(kinds(accountId)).containsExactly("created", "renamed", "disabled", "deleted");
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and detail::text like '%@%'",
                accountId)).isZero();
    }

    @Test
    void the_policy_of_one_organization_does_not_change_another() {
        TestApp.Org other = app.newOrg("policy-other-" + UUID.randomUUID());
        setPolicy("rename_in_place").expect(200);
        String id = app.http().send("POST", other.scimPath() + "/Users", other.token(), user("jo@example.com"))
                .expect(201).json().get("id").asText();

        app.http().send("PATCH", other.scimPath() + "/Users/" + id, other.token(),
                patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"jo.new@example.com\"}")).expect(200);

        assertThat(app.http().send("GET", "/admin/api/orgs/" + other.id(), app.operatorToken(), (String) null)
                .json().get("usernameChangePolicy").asText()).isEqualTo("new_account");
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and status = 'invalidated' "
                + "and email = 'jo@example.com'", other.id())).isEqualTo(1);
    }

    @Test
    void the_admin_api_changes_the_policy_by_name_or_id_and_refuses_bad_requests_without_changing_it() {
        assertBad(setPolicy("rename"), "new_account, rename_in_place");
        assertBad(admin("PATCH", "", "{\"usernameChangePolicy\":true}"), "must be a string");
        assertBad(admin("PATCH", "", "{}"), "usernameChangePolicy");
        assertBad(admin("PATCH", "", "{\"usernameChangePolicy\":\"rename_in_place\",\"name\":\"x\"}"), "\"name\" cannot be changed");
        assertBad(admin("PATCH", "", "[\"rename_in_place\"]"), "JSON object");
        assertThat(admin("GET", "", null).json().get("usernameChangePolicy").asText()).isEqualTo("new_account");

        JsonNode changed = app.http().send("PATCH", "/admin/api/orgs/" + enc(org.name()), app.operatorToken(),
                "{\"usernameChangePolicy\":\"rename_in_place\"}").expect(200).json();
        assertThat(changed.get("usernameChangePolicy").asText()).isEqualTo("rename_in_place");
        assertThat(changed.get("id").asText()).isEqualTo(org.id());
        assertThat(admin("GET", "", null).json().get("usernameChangePolicy").asText()).isEqualTo("rename_in_place");

        assertThat(app.http().send("PATCH", "/admin/api/orgs/no-such-org", app.operatorToken(),
                "{\"usernameChangePolicy\":\"new_account\"}").status()).isEqualTo(404);
        assertThat(app.http().send("PATCH", "/admin/api/orgs/" + org.id(), "lanyard_op_wrong",
                "{\"usernameChangePolicy\":\"new_account\"}").status()).isEqualTo(401);
        assertThat(admin("GET", "", null).json().get("usernameChangePolicy").asText()).isEqualTo("rename_in_place");
    }

    @Test
    void the_database_refuses_a_policy_it_does_not_know() {
        assertThatThrownBy(() -> app.execute("update organizations set username_change_policy = 'merge' where id = ?::uuid", org.id()))
                .hasMessageContaining("organizations_username_change_policy_check");
    }

    // --- helpers ---------------------------------------------------------------------------

    private Http.Response setPolicy(String policy) {
        return admin("PATCH", "", "{\"usernameChangePolicy\":\"" + policy + "\"}");
    }

    /** An account created as {@code from}, renamed in place to {@code to}, then disabled by a SCIM DELETE; its id. */
    private String renamedInPlaceThenDeletedByTheIdp(String from, String to) {
        setPolicy("rename_in_place").expect(200);
        String id = createUser(from);
        String accountId = accountIdOf(id);
        rename(id, to);
        scim("DELETE", "/Users/" + id, null).expect(204);
        return accountId;
    }

    private String createUser(String userName) {
        return scim("POST", "/Users", user(userName)).expect(201).json().get("id").asText();
    }

    private void rename(String id, String userName) {
        scim("PATCH", "/Users/" + id, patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"" + userName + "\"}")).expect(200);
    }

    /** The managed account behind a SCIM id, from the admin API. */
    private String accountIdOf(String scimId) {
        for (JsonNode a : admin("GET", "/accounts?count=1000", null).expect(200).json().get("accounts")) {
            if (a.get("scimId").asText().equals(scimId)) return a.get("id").asText();
        }
        throw new AssertionError("no account with SCIM id " + scimId);
    }

    private List<JsonNode> history(String accountId) {
        List<JsonNode> events = new ArrayList<>();
        admin("GET", "/accounts/" + accountId + "/history", null).expect(200).json().get("events").forEach(events::add);
        return events;
    }

    private List<String> kinds(String accountId) {
        return history(accountId).stream().map(e -> e.get("kind").asText()).toList();
    }

    /** The admin API gives an event's detail as a JSON object, not as a string of JSON. */
    private static JsonNode detail(JsonNode event) {
        assertThat(event.get("detail").isObject()).as(event.toString()).isTrue();
        return event.get("detail");
    }

    private long total(String filter) {
        return scim("GET", "/Users?filter=" + enc(filter), null).expect(200).json().get("totalResults").asLong();
    }

    private long accounts() {
        return app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id());
    }

    private static String user(String userName) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + userName + "\",\"active\":true}";
    }

    private static String patch(String... operations) {
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + String.join(",", operations) + "]}";
    }

    private Http.Response scim(String method, String path, String body) {
        return app.http().send(method, org.scimPath() + path, org.token(), body);
    }

    private Http.Response admin(String method, String path, String body) {
        return app.http().send(method, "/admin/api/orgs/" + org.id() + path, app.operatorToken(), body);
    }

    private static void assertBad(Http.Response r, String detail) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains(detail);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
