package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * POST /Bulk (RFC 7644 §3.7) against the real server and database: each operation runs as its
 * single request would, its effect visible over the ordinary endpoints.
 */
class BulkIT {
    static final TestApp app = TestApp.start();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
    static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
    TestApp.Org org;

    @BeforeEach
    void newOrg() {
        org = app.newOrg("bulk-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_user_created_with_a_bulkId_is_patched_through_a_bulkId_reference_in_the_same_request() {
        JsonNode results = bulk(null,
                post("q1", user("ann@example.com")),
                op("PATCH", "/Users/bulkId:q1").set("data", patch("{\"op\":\"replace\",\"path\":\"active\",\"value\":false}")));

        assertThat(results).hasSize(2);
        JsonNode created = results.get(0);
        assertThat(created.get("method").asText()).isEqualTo("POST");
        assertThat(created.get("bulkId").asText()).isEqualTo("q1");
        assertThat(created.get("status").isTextual()).isTrue();
        assertThat(created.get("status").asText()).isEqualTo("201");
        assertThat(created.get("version").asText()).isEqualTo("W/\"1\"");
        assertThat(created.has("response")).isFalse();
        String location = created.get("location").asText();
        assertThat(location).startsWith(app.baseUrl() + org.scimPath() + "/Users/");
        String id = location.substring(location.lastIndexOf('/') + 1);

        JsonNode patched = results.get(1);
        assertThat(patched.get("method").asText()).isEqualTo("PATCH");
        assertThat(patched.get("status").asText()).isEqualTo("200");
        assertThat(patched.get("location").asText()).isEqualTo(location);
        assertThat(patched.get("version").asText()).isEqualTo("W/\"2\"");

        JsonNode user = scim("GET", "/Users/" + id, null).expect(200).json();
        assertThat(user.get("userName").asText()).isEqualTo("ann@example.com");
        assertThat(user.get("active").asBoolean()).isFalse();
        assertThat(user.at("/meta/version").asText()).isEqualTo("W/\"2\"");
        assertThat(admin("/accounts?status=deactivated").get("totalResults").asInt()).isEqualTo(1);
    }

    @Test
    void post_put_and_delete_in_one_request_each_take_effect_with_the_product_rules_of_their_single_requests() {
        String renamed = createUser("bo@example.com");
        String deleted = createUser("cy@example.com");

        JsonNode results = bulk(null,
                post("new", user("dee@example.com")),
                op("PUT", "/Users/" + renamed).set("data", user("bo.new@example.com").put("title", "CFO")),
                op("DELETE", "/Users/" + deleted));

        assertThat(statuses(results)).containsExactly("201", "200", "204");
        assertThat(results.get(1).get("location").asText()).endsWith("/Users/" + renamed);
        assertThat(results.get(2).get("location").asText()).endsWith("/Users/" + deleted);
        assertThat(results.get(2).has("version")).isFalse();

        JsonNode created = scim("GET", "/Users/" + idOf(results.get(0)), null).expect(200).json();
        assertThat(created.get("userName").asText()).isEqualTo("dee@example.com");
        // A new userName is a new account that keeps the SCIM id (docs/product-rules.md rule 7).
        JsonNode put = scim("GET", "/Users/" + renamed, null).expect(200).json();
        assertThat(put.get("userName").asText()).isEqualTo("bo.new@example.com");
        assertThat(put.get("title").asText()).isEqualTo("CFO");
        assertThat(admin("/accounts?status=invalidated").at("/accounts/0/email").asText()).isEqualTo("bo@example.com");
        // DELETE disables and unlinks.
        assertThat(scim("GET", "/Users/" + deleted, null).status()).isEqualTo(404);
        assertThat(admin("/accounts?status=disabled").at("/accounts/0/email").asText()).isEqualTo("cy@example.com");
        assertThat(accounts()).isEqualTo(4);
    }

    @Test
    void bulkId_references_in_data_values_become_the_id_the_earlier_post_created() {
        ObjectNode report = user("eve@example.com");
        report.putObject("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
                .putObject("manager").put("value", "bulkId:boss");
        JsonNode results = bulk(null, post("boss", user("boss@example.com")), post("report", report));

        assertThat(statuses(results)).containsExactly("201", "201");
        JsonNode user = scim("GET", "/Users/" + idOf(results.get(1)), null).expect(200).json();
        assertThat(user.at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/manager/value").asText())
                .isEqualTo(idOf(results.get(0)));
    }

    @Test
    void a_failing_operation_in_the_middle_does_not_stop_the_operations_after_it() {
        JsonNode results = bulk(null,
                post("a", user("fay@example.com")),
                post("b", user("jdoe")),
                post("c", user("gus@example.com")));

        assertThat(statuses(results)).containsExactly("201", "400", "201");
        JsonNode failed = results.get(1);
        assertThat(failed.get("bulkId").asText()).isEqualTo("b");
        assertThat(failed.has("location")).isFalse();  // a failed POST has none (§3.7)
        assertThat(failed.at("/response/schemas/0").asText()).isEqualTo(ERROR);
        assertThat(failed.at("/response/status").asText()).isEqualTo("400");
        assertThat(failed.at("/response/scimType").asText()).isEqualTo("invalidValue");
        assertThat(accounts()).isEqualTo(2);
    }

    @Test
    void with_failOnErrors_processing_stops_at_that_many_errors_and_the_rest_is_neither_run_nor_listed() {
        JsonNode results = bulk(1,
                post("a", user("hal@example.com")),
                post("b", user("jdoe")),
                post("c", user("ida@example.com")));
        assertThat(statuses(results)).containsExactly("201", "400");
        assertThat(scim("GET", "/Users?filter=" + enc("userName eq \"ida@example.com\""), null).json()
                .get("totalResults").asInt()).isZero();

        JsonNode two = bulk(2,
                post("d", user("jdoe")),
                post("e", user("jay@example.com")),
                post("f", user("kay")),
                post("g", user("lou@example.com")));
        assertThat(statuses(two)).containsExactly("400", "201", "400");
        assertThat(accounts()).isEqualTo(2);
    }

    @Test
    void failOnErrors_0_is_accepted_and_stops_at_the_first_error() {
        // RFC 7644 §3.7 sets no minimum; processing can only stop once an error happened.
        JsonNode results = bulk(0,
                post("z1", user("zed@example.com")),
                post("z2", user("not-an-email")),
                post("z3", user("zoe@example.com")));

        assertThat(statuses(results)).containsExactly("201", "400");
        assertThat(accounts()).isEqualTo(1);
    }

    @Test
    void a_failed_operation_answers_the_same_error_as_its_single_request() {
        createUser("taken@example.com");
        Http.Response single = scim("POST", "/Users", user("TAKEN@example.com").toString());
        JsonNode results = bulk(null, post("dup", user("TAKEN@example.com")));

        assertThat(single.status()).isEqualTo(409);
        assertThat(results.get(0).get("status").asText()).isEqualTo("409");
        assertThat(results.get(0).get("response")).isEqualTo(single.json());
        assertThat(accounts()).isEqualTo(1);
    }

    @Test
    void a_version_that_is_not_current_fails_that_operation_with_412_and_the_others_still_run() {
        String id = createUser("max@example.com");
        JsonNode results = bulk(null,
                op("PATCH", "/Users/" + id).put("version", "W/\"7\"")
                        .set("data", patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"stale\"}")),
                op("PATCH", "/Users/" + id).put("version", "W/\"1\"")
                        .set("data", patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"fresh\"}")),
                op("DELETE", "/Users/" + id).put("version", "W/\"1\""));

        assertThat(statuses(results)).containsExactly("412", "200", "412");
        assertThat(results.get(0).get("location").asText()).endsWith("/Users/" + id);
        assertThat(results.get(0).at("/response/status").asText()).isEqualTo("412");
        assertThat(results.get(1).get("version").asText()).isEqualTo("W/\"2\"");
        JsonNode user = scim("GET", "/Users/" + id, null).expect(200).json();
        assertThat(user.get("title").asText()).isEqualTo("fresh");
        assertThat(user.at("/meta/version").asText()).isEqualTo("W/\"2\"");
    }

    @Test
    void a_reference_to_an_unknown_a_later_or_a_failed_bulkId_fails_that_operation_with_409_invalidValue() {
        ObjectNode managed = user("ned@example.com");
        managed.putObject("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
                .putObject("manager").put("value", "bulkId:nobody");
        JsonNode results = bulk(null,
                op("DELETE", "/Users/bulkId:nobody"),
                op("PATCH", "/Users/bulkId:later").set("data", patch("{\"op\":\"replace\",\"path\":\"title\",\"value\":\"x\"}")),
                post("broken", user("not-an-email")),
                op("PUT", "/Users/bulkId:broken").set("data", user("oli@example.com")),
                post("managed", managed),
                post("later", user("pat@example.com")));

        assertThat(statuses(results)).containsExactly("409", "409", "400", "409", "409", "201");
        for (int i : new int[] {0, 1, 3, 4}) {
            JsonNode r = results.get(i).get("response");
            assertThat(r.get("scimType").asText()).as(r.toString()).isEqualTo("invalidValue");
            assertThat(r.get("status").asText()).isEqualTo("409");
        }
        assertThat(results.get(0).at("/response/detail").asText()).contains("bulkId:nobody");
        assertThat(results.get(1).at("/response/detail").asText()).contains("later");
        assertThat(results.get(3).at("/response/detail").asText()).contains("failed");
        assertThat(accounts()).isEqualTo(1);
    }

    @Test
    void an_unknown_method_or_a_path_other_than_Users_or_Groups_fails_only_that_operation_with_400() {
        JsonNode results = bulk(null,
                op("GET", "/Users"),
                post("g", user("grp@example.com")).put("path", "/Roles"),
                op("PUT", "/Users").set("data", user("x@example.com")),
                post("h", user("h@example.com")).put("path", "/Users/abc"),
                op("POST", "/Users").set("data", user("nobulkid@example.com")),
                op("PATCH", "/Users/" + UUID.randomUUID() + "/name").set("data", patch("{\"op\":\"remove\",\"path\":\"title\"}")),
                post("ok", user("ok@example.com")));

        assertThat(statuses(results)).containsExactly("400", "400", "400", "400", "400", "400", "201");
        List<String> types = new ArrayList<>();
        for (int i = 0; i < 6; i++) types.add(results.get(i).at("/response/scimType").asText());
        assertThat(types).containsExactly("invalidSyntax", "invalidPath", "invalidPath", "invalidPath", "invalidSyntax", "invalidPath");
        assertThat(results.get(0).get("method").asText()).isEqualTo("GET");
        assertThat(accounts()).isEqualTo(1);
    }

    @Test
    void an_id_that_is_not_a_user_of_this_organization_is_404_in_that_operation() {
        JsonNode results = bulk(null, op("DELETE", "/Users/" + UUID.randomUUID()), op("DELETE", "/Users/not-a-uuid"));
        assertThat(statuses(results)).containsExactly("404", "404");
    }

    @Test
    void more_operations_than_maxOperations_is_413_and_nothing_is_written() {
        ObjectNode[] ops = new ObjectNode[1001];
        for (int i = 0; i < ops.length; i++) ops[i] = post("u" + i, user("u" + i + "@example.com"));
        Http.Response r = scim("POST", "/Bulk", request(null, ops).toString());

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("schemas").get(0).asText()).isEqualTo(ERROR);
        assertThat(r.json().get("status").asText()).isEqualTo("413");
        assertThat(r.json().has("scimType")).isFalse();
        assertThat(r.json().get("detail").asText()).contains("1000");
        assertThat(accounts()).isZero();
    }

    @Test
    void a_body_larger_than_maxPayloadSize_is_413_and_nothing_is_written() {
        ObjectNode big = user("big@example.com").put("title", "x".repeat(1_100_000));
        Http.Response r = scim("POST", "/Bulk", request(null, post("big", big)).toString());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("status").asText()).isEqualTo("413");
        assertThat(accounts()).isZero();
    }

    @Test
    void a_malformed_bulk_request_is_400_invalidSyntax_and_nothing_is_written() {
        String valid = post("a", user("a@example.com")).toString();
        for (String body : List.of(
                "{\"Operations\": [",
                "[" + valid + "]",
                "{\"schemas\":[\"" + BULK_REQUEST + "\"]}",
                "{\"schemas\":[\"" + BULK_REQUEST + "\"],\"Operations\":" + valid + "}",
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + valid + "]}",
                "{\"failOnErrors\":\"one\",\"Operations\":[" + valid + "]}",
                "{\"failOnErrors\":-1,\"Operations\":[" + valid + "]}",
                "{\"Operations\":[" + valid + ",\"DELETE /Users/1\"]}")) {
            Http.Response r = scim("POST", "/Bulk", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("status").asText()).isEqualTo("400");
            assertThat(r.json().get("scimType").asText()).as(body).isEqualTo("invalidSyntax");
        }
        assertThat(accounts()).isZero();
    }

    @Test
    void two_posts_with_one_bulkId_are_refused_before_anything_runs() {
        Http.Response r = scim("POST", "/Bulk",
                request(null, post("same", user("r@example.com")), post("same", user("s@example.com"))).toString());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("scimType").asText()).isEqualTo("invalidValue");
        assertThat(r.json().get("detail").asText()).contains("same");
        assertThat(accounts()).isZero();
    }

    @Test
    void a_bulk_request_needs_the_organizations_token() {
        String body = request(null, post("a", user("t@example.com"))).toString();
        Http.Response r = app.http().send("POST", org.scimPath() + "/Bulk", "not-a-token", body);
        assertThat(r.status()).isEqualTo(401);
        assertThat(accounts()).isZero();
    }

    @Test
    void the_service_provider_config_advertises_bulk_with_its_limits() {
        JsonNode bulk = scim("GET", "/ServiceProviderConfig", null).expect(200).json().get("bulk");
        assertThat(bulk.get("supported").asBoolean()).isTrue();
        assertThat(bulk.get("maxOperations").asInt()).isEqualTo(1000);
        assertThat(bulk.get("maxPayloadSize").asInt()).isEqualTo(1 << 20);
    }

    private JsonNode bulk(Integer failOnErrors, ObjectNode... operations) {
        Http.Response r = scim("POST", "/Bulk", request(failOnErrors, operations).toString()).expect(200);
        assertThat(r.header("Content-Type")).startsWith("application/scim+json");
        JsonNode body = r.json();
        assertThat(body.get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:BulkResponse");
        return body.get("Operations");
    }

    private static ObjectNode request(Integer failOnErrors, ObjectNode... operations) {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("schemas").add(BULK_REQUEST);
        if (failOnErrors != null) request.put("failOnErrors", failOnErrors);
        ArrayNode ops = request.putArray("Operations");
        for (ObjectNode op : operations) ops.add(op);
        return request;
    }

    private static ObjectNode op(String method, String path) {
        return JSON.createObjectNode().put("method", method).put("path", path);
    }

    private static ObjectNode post(String bulkId, ObjectNode data) {
        ObjectNode op = op("POST", "/Users").put("bulkId", bulkId);
        op.set("data", data);
        return op;
    }

    private static ObjectNode user(String userName) {
        ObjectNode user = JSON.createObjectNode();
        user.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:User");
        return user.put("userName", userName);
    }

    private static JsonNode patch(String... operations) {
        try {
            return JSON.readTree("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":["
                    + String.join(",", operations) + "]}");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> statuses(JsonNode results) {
        List<String> out = new ArrayList<>();
        results.forEach(r -> out.add(r.get("status").asText()));
        return out;
    }

    private static String idOf(JsonNode result) {
        String location = result.get("location").asText();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private String createUser(String userName) {
        return scim("POST", "/Users", user(userName).toString()).expect(201).json().get("id").asText();
    }

    private Http.Response scim(String method, String path, String body) {
        return app.http().send(method, org.scimPath() + path, org.token(), body);
    }

    private JsonNode admin(String path) {
        return app.http().send("GET", "/admin/api/orgs/" + org.id() + path, app.operatorToken(), (String) null)
                .expect(200).json();
    }

    private long accounts() {
        return app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
