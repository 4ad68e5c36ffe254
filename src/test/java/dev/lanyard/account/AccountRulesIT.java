package dev.lanyard.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product guide's rules for managed accounts (docs/product-rules.md rules 6-10), over SCIM and the admin API,
 * against the real server and database.
 */
class AccountRulesIT {
    static final TestApp app = TestApp.start();
    TestApp.Org org;

    @BeforeEach
    void newOrg() {
        org = app.newOrg("rules-" + java.util.UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void concurrent_creates_of_one_userName_give_one_201_and_409s_never_a_500() throws Exception {
        int clients = 12;
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String userName = (i % 2 == 0 ? "race@example.com" : "RACE@Example.com");
            calls.add(() -> createUser(userName).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (Future<Integer> f : pool.invokeAll(calls)) statuses.add(f.get());
        }
        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id())).isEqualTo(1);
    }

    @Test
    void a_userName_that_is_not_an_email_is_refused_and_nothing_is_written() {
        Http.Response r = createUser("jdoe");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("scimType").asText()).isEqualTo("invalidValue");
        assertThat(r.json().get("detail").asText()).contains("email").contains("Okta");
        assertThat(accounts()).isZero();
    }

    @Test
    void a_body_of_the_wrong_shape_is_refused_with_the_right_scimType_and_nothing_is_written() {
        assertError(scim("POST", "/Users", "{\"userName\": "), 400, "invalidSyntax");
        assertError(scim("POST", "/Users", "[1,2]"), 400, "invalidSyntax");
        assertError(scim("POST", "/Users", "{\"userName\":\"a@b.com\",\"active\":\"maybe\"}"), 400, "invalidValue");
        assertError(scim("POST", "/Users", "{\"userName\":\"a@b.com\",\"name\":\"Ann\"}"), 400, "invalidValue");
        assertError(scim("POST", "/Users", "{\"userName\":\"a@b.com\",\"emails\":[{\"value\":5}]}"), 400, "invalidValue");
        assertError(scim("POST", "/Users", "{\"schemas\":[\"urn:example:Other\"],\"userName\":\"a@b.com\"}"), 400, "invalidSyntax");
        assertError(scim("POST", "/Users", "{\"active\":true}"), 400, "invalidValue");
        assertThat(accounts()).isZero();
    }

    @Test
    void an_oversized_body_is_413_with_a_scim_error() {
        String big = "{\"userName\":\"big@example.com\",\"title\":\"" + "x".repeat(1_100_000) + "\"}";
        Http.Response r = scim("POST", "/Users", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("status").asText()).isEqualTo("413");
        assertThat(accounts()).isZero();
    }

    @Test
    void a_failing_patch_changes_nothing_even_after_a_valid_operation() {
        String id = createUser("atomic@example.com").expect(201).json().get("id").asText();
        Http.Response r = scim("PATCH", "/Users/" + id, patch(
                "{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"renamed@example.com\"}",
                "{\"op\":\"replace\",\"path\":\"title\",\"value\":5}"));
        assertError(r, 400, "invalidValue");
        JsonNode user = scim("GET", "/Users/" + id, null).expect(200).json();
        assertThat(user.get("userName").asText()).isEqualTo("atomic@example.com");
        assertThat(user.at("/meta/version").asText()).isEqualTo("W/\"1\"");
        assertThat(accounts()).isEqualTo(1);
    }

    @Test
    void renaming_by_patch_invalidates_the_account_and_keeps_the_scim_id() {
        String id = createUser("ann@example.com").expect(201).json().get("id").asText();
        JsonNode renamed = scim("PATCH", "/Users/" + id,
                patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"ann.new@example.com\"}")).expect(200).json();
        assertThat(renamed.get("id").asText()).isEqualTo(id);
        assertThat(renamed.get("userName").asText()).isEqualTo("ann.new@example.com");

        JsonNode invalidated = admin("GET", "/accounts?status=invalidated").expect(200).json();
        assertThat(invalidated.at("/accounts/0/email").asText()).isEqualTo("ann@example.com");
        JsonNode active = admin("GET", "/accounts?status=active").expect(200).json();
        assertThat(invalidated.at("/accounts/0/successorId").asText()).isEqualTo(active.at("/accounts/0/id").asText());
        assertThat(active.at("/accounts/0/scimId").asText()).isEqualTo(id);
    }

    @Test
    void renaming_back_to_a_former_userName_creates_a_third_account_and_never_revives_the_invalidated_one() {
        String id = createUser("bo@example.com").expect(201).json().get("id").asText();
        rename(id, "bo.other@example.com");
        rename(id, "bo@example.com");
        assertThat(admin("GET", "/accounts?status=invalidated").json().get("totalResults").asInt()).isEqualTo(2);
        JsonNode active = admin("GET", "/accounts?status=active").json();
        assertThat(active.get("totalResults").asInt()).isEqualTo(1);
        assertThat(active.at("/accounts/0/email").asText()).isEqualTo("bo@example.com");
        assertThat(accounts()).isEqualTo(3);
    }

    @Test
    void a_change_of_letter_case_only_is_the_same_account() {
        String id = createUser("cy@example.com").expect(201).json().get("id").asText();
        JsonNode updated = rename(id, "Cy@Example.com");
        assertThat(updated.get("userName").asText()).isEqualTo("Cy@Example.com");
        assertThat(accounts()).isEqualTo(1);
        assertThat(admin("GET", "/accounts?status=invalidated").json().get("totalResults").asInt()).isZero();
    }

    @Test
    void renaming_onto_another_users_userName_is_409_and_changes_nothing() {
        createUser("taken@example.com").expect(201);
        String id = createUser("dee@example.com").expect(201).json().get("id").asText();
        Http.Response r = scim("PATCH", "/Users/" + id,
                patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"TAKEN@example.com\"}"));
        assertError(r, 409, "uniqueness");
        assertThat(accounts()).isEqualTo(2);
        assertThat(scim("GET", "/Users/" + id, null).json().get("userName").asText()).isEqualTo("dee@example.com");
    }

    @Test
    void put_with_active_false_deactivates_and_put_without_active_keeps_the_state() {
        String id = createUser("eve@example.com").expect(201).json().get("id").asText();
        JsonNode off = scim("PUT", "/Users/" + id, "{\"userName\":\"eve@example.com\",\"active\":false}").expect(200).json();
        assertThat(off.get("active").asBoolean()).isFalse();
        JsonNode still = scim("PUT", "/Users/" + id, "{\"userName\":\"eve@example.com\",\"title\":\"CFO\"}").expect(200).json();
        assertThat(still.get("active").asBoolean()).isFalse();
        assertThat(still.get("title").asText()).isEqualTo("CFO");
        assertThat(admin("GET", "/accounts?status=deactivated").json().get("totalResults").asInt()).isEqualTo(1);
    }

    @Test
    void delete_disables_and_unlinks_then_a_new_post_reattaches_the_same_account() {
        String id = createUser("fay@example.com").expect(201).json().get("id").asText();
        String accountId = admin("GET", "/accounts").json().at("/accounts/0/id").asText();
        assertThat(scim("DELETE", "/Users/" + id, null).status()).isEqualTo(204);
        assertThat(scim("GET", "/Users/" + id, null).status()).isEqualTo(404);
        assertThat(scim("DELETE", "/Users/" + id, null).status()).isEqualTo(404);
        JsonNode disabled = admin("GET", "/accounts?status=disabled").json();
        assertThat(disabled.at("/accounts/0/id").asText()).isEqualTo(accountId);
        assertThat(disabled.at("/accounts/0/scimId").isNull()).isTrue();

        JsonNode again = createUser("FAY@example.com").expect(201).json();
        assertThat(again.get("id").asText()).isNotEqualTo(id);
        JsonNode active = admin("GET", "/accounts?status=active").json();
        assertThat(active.at("/accounts/0/id").asText()).isEqualTo(accountId);
        assertThat(accounts()).isEqualTo(1);

        List<String> kinds = new ArrayList<>();
        admin("GET", "/accounts/" + accountId + "/history").json().get("events").forEach(e -> kinds.add(e.get("kind").asText()));
        assertThat(kinds).containsExactly("created", "disabled", "reattached");
    }

    @Test
    void only_accounts_the_idp_no_longer_manages_can_be_deleted_by_hand_and_the_deletion_is_recorded() {
        String id = createUser("gus@example.com").expect(201).json().get("id").asText();
        String accountId = admin("GET", "/accounts").json().at("/accounts/0/id").asText();
        Http.Response refused = admin("DELETE", "/accounts/" + accountId);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("is active", "Deactivate or unassign the user in the IdP");

        scim("DELETE", "/Users/" + id, null).expect(204);
        admin("DELETE", "/accounts/" + accountId).expect(204);
        assertThat(accounts()).isZero();
        assertThat(admin("DELETE", "/accounts/" + accountId).status()).isEqualTo(404);
        assertThat(app.count("select count(*) from account_events where account_id = ?::uuid and kind = 'deleted' and actor = 'operator'",
                accountId)).isEqualTo(1);
    }

    @Test
    void okta_delete_a_deactivated_account_is_deleted_by_hand_and_the_idps_later_requests_are_404_or_a_new_account() {
        // Okta never sends DELETE /Users: deleting a person in Okta deactivates them first.
        String scimId = createUser("ida@example.com").expect(201).json().get("id").asText();
        String accountId = admin("GET", "/accounts").json().at("/accounts/0/id").asText();
        scim("PATCH", "/Users/" + scimId, patch("{\"op\":\"replace\",\"value\":{\"active\":false}}")).expect(200);
        admin("DELETE", "/accounts/" + accountId).expect(204);
        assertThat(accounts()).isZero();

        // Okta reactivates or updates the person later: 404 SCIM errors, nothing written, no 500.
        String reactivate = patch("{\"op\":\"replace\",\"path\":\"active\",\"value\":true}");
        assertError(scim("PATCH", "/Users/" + scimId, reactivate), 404, "");
        assertError(scim("PUT", "/Users/" + scimId, "{\"userName\":\"ida@example.com\",\"active\":true}"), 404, "");
        assertError(scim("GET", "/Users/" + scimId, null), 404, "");
        assertError(scim("DELETE", "/Users/" + scimId, null), 404, "");
        JsonNode bulk = scim("POST", "/Bulk", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
                 {"method":"PATCH","path":"/Users/%s","data":%s}]}""".formatted(scimId, reactivate)).expect(200).json();
        assertThat(bulk.at("/Operations/0/status").asText()).isEqualTo("404");
        assertThat(accounts()).isZero();
        assertThat(total("userName eq \"ida@example.com\"")).isZero();

        // ... and assigning the person again (Okta looks the userName up, finds nothing, POSTs): a new account.
        JsonNode again = createUser("ida@example.com").expect(201).json();
        assertThat(again.get("id").asText()).isNotEqualTo(scimId);
        String newAccountId = admin("GET", "/accounts").json().at("/accounts/0/id").asText();
        assertThat(newAccountId).isNotEqualTo(accountId);
        assertThat(accounts()).isEqualTo(1);

        List<String> oldHistory = new ArrayList<>();
        admin("GET", "/accounts/" + accountId + "/history").json().get("events")
                .forEach(e -> oldHistory.add(e.get("kind").asText()));
        assertThat(oldHistory).containsExactly("created", "deactivated", "deleted");
        List<String> newHistory = new ArrayList<>();
        admin("GET", "/accounts/" + newAccountId + "/history").json().get("events")
                .forEach(e -> newHistory.add(e.get("kind").asText()));
        assertThat(newHistory).containsExactly("created");
    }

    @Test
    void a_deleted_disabled_account_is_not_reattached_by_a_later_post() {
        String scimId = createUser("jo@example.com").expect(201).json().get("id").asText();
        String accountId = admin("GET", "/accounts").json().at("/accounts/0/id").asText();
        scim("DELETE", "/Users/" + scimId, null).expect(204);
        admin("DELETE", "/accounts/" + accountId).expect(204);
        createUser("jo@example.com").expect(201);
        String newAccountId = admin("GET", "/accounts").json().at("/accounts/0/id").asText();
        assertThat(newAccountId).isNotEqualTo(accountId);
        assertThat(accounts()).isEqualTo(1);
    }

    @Test
    void if_match_with_an_old_version_is_412_and_if_none_match_with_the_current_one_is_304() {
        Http.Response created = createUser("hal@example.com").expect(201);
        String id = created.json().get("id").asText();
        String etag = created.header("ETag");
        assertThat(etag).isEqualTo("W/\"1\"");
        assertThat(send("GET", "/Users/" + id, null, Map.of("If-None-Match", etag)).status()).isEqualTo(304);

        send("PATCH", "/Users/" + id, patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"A\"}"), Map.of("If-Match", etag)).expect(200);
        Http.Response stale = send("PATCH", "/Users/" + id, patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"B\"}"), Map.of("If-Match", etag));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(scim("GET", "/Users/" + id, null).json().get("title").asText()).isEqualTo("A");
        assertThat(send("DELETE", "/Users/" + id, null, Map.of("If-Match", etag)).status()).isEqualTo(412);
        assertThat(send("GET", "/Users/" + id, null, Map.of("If-None-Match", etag)).status()).isEqualTo(200);

        String current = scim("GET", "/Users/" + id, null).header("ETag");
        assertThat(current).isEqualTo("W/\"2\"");
        Http.Response noneMatch = send("PUT", "/Users/" + id, "{\"userName\":\"hal@example.com\"}", Map.of("If-None-Match", current));
        assertThat(noneMatch.status()).isEqualTo(412);
        assertThat(send("PATCH", "/Users/" + id, patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"C\"}"),
                Map.of("If-None-Match", "*")).status()).isEqualTo(412);
        assertThat(send("PUT", "/Users/" + id, "{\"userName\":\"hal@example.com\",\"title\":\"D\"}",
                Map.of("If-None-Match", etag, "If-Match", current)).status()).isEqualTo(200);
    }

    @Test
    void provisioning_disabled_refuses_every_scim_request_with_403_and_says_why() {
        TestApp.Org off = app.newOrg("off-" + java.util.UUID.randomUUID(), false);
        Http.Response r = app.http().send("GET", off.scimPath() + "/Users", off.token(), (String) null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("detail").asText()).contains("provisioning is disabled");
        Http.Response post = app.http().send("POST", off.scimPath() + "/Users", off.token(), "{\"userName\":\"x@example.com\"}");
        assertThat(post.status()).isEqualTo(403);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid", off.id())).isZero();
    }

    @Test
    void an_unsupported_filter_is_400_invalidFilter_and_never_an_empty_list() {
        Http.Response r = scim("GET", "/Users?filter=" + enc("nickname2 eq \"a\""), null);
        assertError(r, 400, "invalidFilter");
        assertThat(r.json().get("detail").asText()).contains("nickname2").contains("userName");
        assertError(scim("GET", "/Users?filter=" + enc("active gt true"), null), 400, "invalidFilter");
        assertError(scim("GET", "/Users?filter=" + enc("meta.created gt \"yesterday\""), null), 400, "invalidFilter");
        assertError(scim("GET", "/Users?filter=" + enc("name eq \"x\""), null), 400, "invalidFilter");
        assertError(scim("GET", "/Users?filter=" + enc("userName eq"), null), 400, "invalidFilter");
    }

    @Test
    void filters_on_externalId_emails_displayName_and_combinations_find_the_right_users() {
        scim("POST", "/Users", "{\"userName\":\"ida@example.com\",\"externalId\":\"ext-1\",\"displayName\":\"Ida Lee\","
                + "\"emails\":[{\"value\":\"Ida.Work@Example.com\",\"type\":\"work\"}]}").expect(201);
        scim("POST", "/Users", "{\"userName\":\"jon@example.com\",\"externalId\":\"ext-2\",\"active\":false}").expect(201);
        assertThat(total("externalId eq \"ext-1\"")).isEqualTo(1);
        assertThat(total("externalId eq \"EXT-1\"")).isZero();  // caseExact
        assertThat(total("emails.value eq \"ida.work@example.com\"")).isEqualTo(1);
        assertThat(total("displayName eq \"ida lee\"")).isEqualTo(1);
        assertThat(total("userName eq \"ida@example.com\" or externalId eq \"ext-2\"")).isEqualTo(2);
        assertThat(total("userName eq \"ida@example.com\" and externalId eq \"ext-2\"")).isZero();
        assertThat(total("active eq false")).isEqualTo(1);
        assertThat(total("userName sw \"j\"")).isEqualTo(1);
        assertThat(total("not (userName eq \"jon@example.com\")")).isEqualTo(1);
        assertThat(total("id eq \"not-a-uuid\"")).isZero();
    }

    @Test
    void pages_are_stable_and_count_is_capped_at_the_advertised_maximum() {
        for (int i = 0; i < 7; i++) createUser("page" + i + "@example.com").expect(201);
        List<String> seen = new ArrayList<>();
        for (int start = 1; start <= 7; start += 3) {
            JsonNode page = scim("GET", "/Users?startIndex=" + start + "&count=3", null).expect(200).json();
            assertThat(page.get("totalResults").asInt()).isEqualTo(7);
            assertThat(page.get("startIndex").asInt()).isEqualTo(start);
            page.get("Resources").forEach(u -> seen.add(u.get("userName").asText()));
        }
        assertThat(seen).containsExactly("page0@example.com", "page1@example.com", "page2@example.com", "page3@example.com",
                "page4@example.com", "page5@example.com", "page6@example.com");
        JsonNode all = scim("GET", "/Users?count=100000&startIndex=-4", null).expect(200).json();
        assertThat(all.get("startIndex").asInt()).isEqualTo(1);
        assertThat(all.get("itemsPerPage").asInt()).isEqualTo(7);
        JsonNode none = scim("GET", "/Users?count=0", null).expect(200).json();
        assertThat(none.get("totalResults").asInt()).isEqualTo(7);
        assertThat(none.get("Resources")).isEmpty();
        assertError(scim("GET", "/Users?count=ten", null), 400, "invalidValue");
    }

    @Test
    void the_unfiltered_total_follows_creates_renames_deletes_and_reattachments() {
        String a = createUser("t1@example.com").expect(201).json().get("id").asText();
        createUser("t2@example.com").expect(201);
        rename(a, "t1.renamed@example.com");
        assertThat(unfilteredTotal()).isEqualTo(2).isEqualTo(total("id pr"));
        scim("DELETE", "/Users/" + a, null).expect(204);
        assertThat(unfilteredTotal()).isEqualTo(1).isEqualTo(total("id pr"));
        createUser("t1.renamed@example.com").expect(201);  // re-attaches the disabled account
        assertThat(unfilteredTotal()).isEqualTo(2).isEqualTo(total("id pr"));
    }

    private long unfilteredTotal() {
        return scim("GET", "/Users?count=0", null).expect(200).json().get("totalResults").asLong();
    }

    // --- helpers ---------------------------------------------------------------------------

    private long total(String filter) {
        return scim("GET", "/Users?filter=" + enc(filter), null).expect(200).json().get("totalResults").asLong();
    }

    private JsonNode rename(String id, String userName) {
        return scim("PATCH", "/Users/" + id, patch("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"" + userName + "\"}"))
                .expect(200).json();
    }

    private Http.Response createUser(String userName) {
        return scim("POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\""
                + userName + "\",\"active\":true}");
    }

    private static String patch(String... operations) {
        return "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + String.join(",", operations) + "]}";
    }

    private Http.Response scim(String method, String path, String body) {
        return app.http().send(method, org.scimPath() + path, org.token(), (String) body);
    }

    private Http.Response send(String method, String path, String body, Map<String, String> headers) {
        var all = new java.util.HashMap<>(headers);
        all.put("Authorization", "Bearer " + org.token());
        return app.http().send(method, org.scimPath() + path, body, all);
    }

    private Http.Response admin(String method, String path) {
        return app.http().send(method, "/admin/api/orgs/" + org.id() + path, app.operatorToken(), (String) null);
    }

    private long accounts() {
        return app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id());
    }

    private static void assertError(Http.Response r, int status, String scimType) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(r.json().get("status").asText()).isEqualTo(String.valueOf(status));
        assertThat(r.json().path("scimType").asText()).as(r.toString()).isEqualTo(scimType);
        assertThat(r.json().get("detail").asText()).isNotBlank();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
