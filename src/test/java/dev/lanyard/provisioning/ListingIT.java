package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sorting (RFC 7644 §3.4.2.3), cursor pagination (RFC 9865), POST .search (§3.4.3), projection
 * (§3.4.2.5) and /Me (§3.11) against the real server.
 */
class ListingIT {
    static final TestApp app = TestApp.start();
    static TestApp.Org org;

    @BeforeAll
    static void users() {
        org = app.newOrg("listing");
        // created out of alphabetical order; two without displayName
        String[][] people = {{"carol@example.com", "Carol"}, {"alice@example.com", "alice"}, {"dave@example.com", null},
                {"bob@example.com", "Bob"}, {"erin@example.com", null}, {"frank@example.com", "frank"}};
        for (String[] p : people) {
            String display = p[1] == null ? "" : ",\"displayName\":\"" + p[1] + "\"";
            scim("POST", "/Users", "{\"userName\":\"" + p[0] + "\",\"name\":{\"familyName\":\"" + p[0].substring(0, 1).toUpperCase()
                    + "\"},\"title\":\"T\"" + display + "}").expect(201);
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void sortBy_userName_ascending_and_descending() {
        assertThat(userNames("/Users?sortBy=userName")).containsExactly("alice@example.com", "bob@example.com",
                "carol@example.com", "dave@example.com", "erin@example.com", "frank@example.com");
        assertThat(userNames("/Users?sortBy=userName&sortOrder=descending")).containsExactly("frank@example.com",
                "erin@example.com", "dave@example.com", "carol@example.com", "bob@example.com", "alice@example.com");
    }

    @Test
    void sortBy_displayName_ignores_case_and_puts_missing_values_last_when_ascending() {
        assertThat(userNames("/Users?sortBy=displayName")).containsExactly("alice@example.com", "bob@example.com",
                "carol@example.com", "frank@example.com", "dave@example.com", "erin@example.com");
        assertThat(userNames("/Users?sortBy=displayName&sortOrder=descending")).startsWith("erin@example.com", "dave@example.com");
    }

    @Test
    void sortBy_an_unknown_or_complex_attribute_is_400() {
        assertThat(scim("GET", "/Users?sortBy=name", null).status()).isEqualTo(400);
        assertThat(scim("GET", "/Users?sortBy=nonsense", null).json().get("scimType").asText()).isEqualTo("invalidValue");
    }

    @Test
    void cursor_pages_walk_the_whole_result_in_order_and_the_last_page_has_no_nextCursor() {
        for (String sort : List.of("", "&sortBy=userName", "&sortBy=displayName", "&sortBy=displayName&sortOrder=descending",
                "&sortBy=meta.created&sortOrder=descending")) {
            List<String> expected = userNames("/Users?count=100" + sort);
            List<String> walked = new ArrayList<>();
            String cursor = "";
            int pages = 0;
            while (cursor != null) {
                JsonNode page = scim("GET", "/Users?count=4&cursor=" + cursor + sort, null).expect(200).json();
                assertThat(page.get("totalResults").asInt()).isEqualTo(6);
                assertThat(page.has("startIndex")).isFalse();
                page.get("Resources").forEach(u -> walked.add(u.get("userName").asText()));
                cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
                assertThat(++pages).isLessThanOrEqualTo(2);
            }
            assertThat(walked).as("sort " + sort).isEqualTo(expected);
        }
    }

    @Test
    void a_cursor_from_another_query_or_a_forged_one_is_400_invalidCursor() {
        String next = scim("GET", "/Users?count=2&cursor=&sortBy=userName", null).json().get("nextCursor").asText();
        JsonNode other = scim("GET", "/Users?count=2&cursor=" + next + "&sortBy=displayName", null).json();
        assertThat(other.get("status").asText()).isEqualTo("400");
        assertThat(other.get("scimType").asText()).isEqualTo("invalidCursor");
        String forged = next.substring(0, next.indexOf('.')) + ".AAAAAAAAAAAAAAAAAAAAAA";
        assertThat(scim("GET", "/Users?count=2&cursor=" + forged + "&sortBy=userName", null).json().get("scimType").asText())
                .isEqualTo("invalidCursor");
        assertThat(scim("GET", "/Users?count=2&cursor=garbage", null).json().get("scimType").asText()).isEqualTo("invalidCursor");
        assertThat(scim("GET", "/Users?count=0&cursor=", null).json().get("scimType").asText()).isEqualTo("invalidCount");
    }

    @Test
    void post_search_answers_like_get_with_the_query_in_the_body() {
        String body = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"],\"filter\":\"userName sw \\\"b\\\" or userName sw \\\"c\\\"\","
                + "\"sortBy\":\"userName\",\"attributes\":[\"userName\"],\"startIndex\":1,\"count\":10}";
        for (String path : List.of("/Users/.search", "/.search")) {
            JsonNode page = scim("POST", path, body).expect(200).json();
            assertThat(page.get("totalResults").asInt()).isEqualTo(2);
            assertThat(page.at("/Resources/0/userName").asText()).isEqualTo("bob@example.com");
            assertThat(page.at("/Resources/0/title").isMissingNode()).isTrue();
            assertThat(page.at("/Resources/0/id").isTextual()).isTrue();
        }
        assertThat(scim("POST", "/Users/.search", "{\"schemas\":[\"urn:x\"]}").status()).isEqualTo(400);
        assertThat(scim("POST", "/Users/.search", "{\"count\":\"ten\"}").json().get("scimType").asText()).isEqualTo("invalidValue");
    }

    @Test
    void attributes_and_excludedAttributes_shape_every_response_but_id_and_schemas_always_stay() {
        JsonNode list = scim("GET", "/Users?attributes=userName,name.familyName&filter=" + enc("userName eq \"bob@example.com\""), null)
                .json().at("/Resources/0");
        assertThat(fieldNames(list)).containsExactlyInAnyOrder("schemas", "id", "userName", "name");
        assertThat(fieldNames(list.get("name"))).containsExactly("familyName");
        String id = list.get("id").asText();

        JsonNode got = scim("GET", "/Users/" + id + "?excludedAttributes=title,name,id,meta", null).json();
        assertThat(fieldNames(got)).contains("id", "userName", "displayName").doesNotContain("title", "name", "meta");

        JsonNode patched = scim("PATCH", "/Users/" + id + "?attributes=title", "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Boss\"}]}").expect(200).json();
        assertThat(fieldNames(patched)).containsExactlyInAnyOrder("schemas", "id", "title");
        assertThat(scim("GET", "/Users?attributes=a&excludedAttributes=b", null).status()).isEqualTo(400);
    }

    @Test
    void me_is_501_with_a_scim_error() {
        Http.Response r = scim("GET", "/Me", null);
        assertThat(r.status()).isEqualTo(501);
        assertThat(r.json().get("status").asText()).isEqualTo("501");
        assertThat(r.json().get("detail").asText()).contains("/Me");
    }

    private static List<String> userNames(String path) {
        List<String> out = new ArrayList<>();
        scim("GET", path, null).expect(200).json().get("Resources").forEach(u -> out.add(u.get("userName").asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /**
     * A successful answer is written to the response stream, not handed to Javalin as a result
     * (ScimResponses.json): it still says its type and length, arrives whole when it is larger than
     * Jetty's buffer, and HEAD still answers with the headers alone.
     */
    @Test
    void answers_are_whole_with_type_and_length_and_head_has_no_body() {
        Http.Response list = scim("GET", "/Users?sortBy=userName", null).expect(200);
        assertThat(list.header("Content-Type")).startsWith("application/scim+json");
        assertThat(list.header("Content-Length")).isEqualTo(String.valueOf(list.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(list.json().get("totalResults").asInt()).isEqualTo(6);

        Http.Response schemas = scim("GET", "/Schemas", null).expect(200);
        assertThat(schemas.body().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(16 * 1024);
        assertThat(schemas.json().get("Resources").size()).isEqualTo(schemas.json().get("totalResults").asInt());

        Http.Response head = scim("HEAD", "/Users?sortBy=userName", null).expect(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Type")).startsWith("application/scim+json");
    }

    /**
     * A page's Users are written as they are generated, from the attributes' text as PostgreSQL
     * stores it (UserRepresentation.write); a single User through a tree (render). Both say the
     * same, for a User with the enterprise extension, text that needs escaping, non-ASCII letters
     * and a group, and for one whose values only mention the extension's URN.
     */
    @Test
    void a_lookup_answers_each_user_exactly_as_a_get_of_that_user() {
        TestApp.Org own = app.newOrg("listing-json");  // the other tests count the class's organization's users
        String ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        String rich = scimIn(own, "POST", "/Users", "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\",\"" + ext + "\"],"
                + "\"userName\":\"zoë@example.com\",\"displayName\":\"Zoë \\\"Z\\\" Ünal\\n\\u2028\",\"name\":{\"givenName\":\"Zoë\"},"
                + "\"emails\":[{\"value\":\"zoë@example.com\",\"type\":\"work\",\"primary\":true}],"
                + "\"" + ext + "\":{\"department\":\"R&D <script>\",\"manager\":{\"value\":\"m-1\"}}}").expect(201).json().get("id").asText();
        String plain = scimIn(own, "POST", "/Users", "{\"userName\":\"yann@example.com\",\"title\":\"\\\"" + ext + "\\\": {\",\"nickName\":\"" + ext + "\"}")
                .expect(201).json().get("id").asText();
        scimIn(own, "POST", "/Groups", "{\"displayName\":\"Zoë's group\",\"members\":[{\"value\":\"" + rich + "\"}]}").expect(201);
        for (String[] user : new String[][] {{rich, "zoë@example.com"}, {plain, "yann@example.com"}}) {
            JsonNode one = scimIn(own, "GET", "/Users/" + user[0], null).expect(200).json();
            JsonNode page = scimIn(own, "GET", "/Users?filter=" + enc("userName eq \"" + user[1] + "\""), null).expect(200).json();
            assertThat(page.get("totalResults").asInt()).isEqualTo(1);
            assertThat(page.get("Resources").get(0)).isEqualTo(one);
            assertThat(fieldNames(page.get("Resources").get(0))).containsExactlyElementsOf(fieldNames(one));
        }
        JsonNode rendered = scimIn(own, "GET", "/Users/" + rich, null).json();
        assertThat(rendered.get("schemas")).hasSize(2);
        assertThat(rendered.get("groups")).hasSize(1);
        assertThat(rendered.get("displayName").asText()).isEqualTo("Zoë \"Z\" Ünal\n\u2028");
        assertThat(scimIn(own, "GET", "/Users/" + plain, null).json().get("schemas")).hasSize(1);
    }

    private static Http.Response scimIn(TestApp.Org o, String method, String path, String body) {
        return app.http().send(method, o.scimPath() + path, o.token(), body);
    }

    private static Http.Response scim(String method, String path, String body) {
        return app.http().send(method, org.scimPath() + path, org.token(), body);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
