package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.types.AttributeDefinition;
import dev.lanyard.scim.UserSchema;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, table-driven against one running server: each request must get its 4xx with the
 * right {@code scimType} and a SCIM Error body, and leave the stored user, its ETag and the number
 * of users exactly as they were (RFC 7644 §3.12; "bad input changes nothing"). Besides the cases
 * written out, every attribute of the User schema and the Enterprise extension gets each JSON type
 * it does not have, on POST, PUT and PATCH.
 */
final class BadInputIT {
    private static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static TestApp app;
    static TestApp.Org org;
    static String id;

    /**
     * One request and what it must get.
     *
     * @param detail a part the error's detail must contain (the attribute, the reason), or null
     */
    record Case(String name, String method, String path, String body, int status, String scimType, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        app = TestApp.start();
        org = app.newOrg("bad-input");
        id = scim("POST", "/Users", """
                {"schemas":["%s","%s"],"userName":"ann@example.com","displayName":"Ann","title":"Dev",
                 "name":{"givenName":"Ann","familyName":"Lee"},
                 "emails":[{"type":"work","value":"ann@example.com","primary":true}],
                 "%s":{"department":"Retail","employeeNumber":"7"}}""".formatted(USER, ENTERPRISE, ENTERPRISE))
                .expect(201).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bad_input_is_refused_with_a_scim_error_and_changes_nothing(Case c) {
        Http.Response before = scim("GET", "/Users/" + id, null).expect(200);
        long users = users();

        Http.Response r = scim(c.method(), c.path().replace("{id}", id), c.body());

        assertThat(r.status()).as("%s: %s", c.name(), r).isEqualTo(c.status());
        assertThat(r.header("Content-Type")).as(c.name()).startsWith("application/scim+json");
        JsonNode error = r.json();
        assertThat(error.path("schemas").path(0).asText()).as(c.name()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(error.path("status").asText()).as(c.name()).isEqualTo(String.valueOf(c.status()));
        if (c.scimType() == null) {
            assertThat(error.has("scimType")).as("%s: %s", c.name(), error).isFalse();
        } else {
            assertThat(error.path("scimType").asText()).as("%s: %s", c.name(), error).isEqualTo(c.scimType());
        }
        String detail = error.path("detail").asText();
        assertThat(detail).as(c.name()).isNotBlank().doesNotContain("Exception", "com.unboundid", "com.fasterxml", "java.");
        if (c.detail() != null) assertThat(detail).as(c.name()).contains(c.detail());

        Http.Response after = scim("GET", "/Users/" + id, null).expect(200);
        assertThat(after.header("ETag")).as(c.name()).isEqualTo(before.header("ETag"));
        assertThat(after.json()).as(c.name()).isEqualTo(before.json());
        assertThat(users()).as(c.name()).isEqualTo(users);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        malformedJson(cases);
        wrongTypes(cases);
        patches(cases);
        filters(cases);
        limitsAndCharacters(cases);
        methods(cases);
        return cases.stream();
    }

    /** Trailing content after the JSON value, on POST, PUT and PATCH: 400 invalidSyntax. */
    private static void malformedJson(List<Case> cases) {
        String user = "{\"schemas\":[\"" + USER + "\"],\"userName\":\"ann@example.com\"}";
        String patch = "{\"schemas\":[\"" + PATCH_OP + "\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"X\"}]}";
        for (String tail : List.of("x", "}", "{}", "[]", ",", "null", "\"s\"", "\\u0000", "// c", "/* c */", "1", "]")) {
            String newUser = user.replace("ann@", "new@");
            cases.add(new Case("POST + " + tail, "POST", "/Users", newUser + tail, 400, "invalidSyntax", "not valid JSON"));
            cases.add(new Case("PUT + " + tail, "PUT", "/Users/{id}", user + tail, 400, "invalidSyntax", "not valid JSON"));
            cases.add(new Case("PATCH + " + tail, "PATCH", "/Users/{id}", patch + tail, 400, "invalidSyntax", "not valid JSON"));
        }
        cases.add(new Case("a key twice", "PUT", "/Users/{id}",
                "{\"userName\":\"ann@example.com\",\"title\":\"A\",\"title\":\"B\"}", 400, "invalidSyntax", "a key appears twice"));
        // RFC 7643 §2.1: attribute names are case-insensitive, so these name one attribute twice
        // (SCIM's case-insensitive objects used to keep the last one silently).
        cases.add(new Case("userName and UserName", "PUT", "/Users/{id}",
                "{\"userName\":\"ann@example.com\",\"UserName\":\"bob@example.com\"}", 400, "invalidSyntax",
                "\"userName\" twice, as \"userName\" and \"UserName\""));
        cases.add(new Case("userName and USERNAME on POST", "POST", "/Users",
                "{\"userName\":\"new2@example.com\",\"USERNAME\":\"new3@example.com\"}", 400, "invalidSyntax", "\"USERNAME\""));
        cases.add(new Case("name.givenName twice in case", "PUT", "/Users/{id}",
                "{\"userName\":\"ann@example.com\",\"name\":{\"givenName\":\"A\",\"GivenName\":\"B\"}}", 400, "invalidSyntax",
                "(in /name)"));
        cases.add(new Case("PATCH value with title and Title", "PATCH", "/Users/{id}",
                "{\"schemas\":[\"" + PATCH_OP + "\"],\"Operations\":[{\"op\":\"replace\",\"value\":{\"title\":\"X\","
                        + "\"Title\":\"Y\"}}]}", 400, "invalidSyntax", "/Operations/0/value"));
        cases.add(new Case("Operations and operations", "PATCH", "/Users/{id}",
                "{\"schemas\":[\"" + PATCH_OP + "\"],\"Operations\":[],\"operations\":[{\"op\":\"replace\",\"path\":\"title\","
                        + "\"value\":\"Z\"}]}", 400, "invalidSyntax", "\"operations\""));
        cases.add(new Case("a Group's displayName and displayname", "POST", "/Groups",
                "{\"displayName\":\"G1\",\"displayname\":\"G2\"}", 400, "invalidSyntax", "\"displayname\""));
    }

    /**
     * Every attribute of both schemas with each JSON type it does not have, as a whole attribute and
     * for each sub-attribute, on POST, PUT and PATCH (PATCH by path, so the value reaches the
     * attribute as it would in a PUT).
     */
    private static void wrongTypes(List<Case> cases) {
        for (AttributeDefinition d : UserSchema.CORE.getAttributes()) {
            if (d.getMutability() == AttributeDefinition.Mutability.READ_ONLY || d.getName().equals("userName")) continue;
            for (JsonNode bad : wrongValues(d, false)) addTypeCases(cases, d.getName(), d.getName(), null, bad);
            if (d.getSubAttributes() == null) continue;
            for (AttributeDefinition sub : d.getSubAttributes()) {
                if (sub.getMutability() == AttributeDefinition.Mutability.READ_ONLY) continue;
                for (JsonNode bad : wrongValues(sub, true)) {
                    ObjectNode complex = NODES.objectNode();
                    if (!sub.getName().equals("value")) complex.put("value", d.getName().equals("emails") ? "x@example.com" : "x");
                    complex.set(sub.getName(), bad);
                    JsonNode value = d.isMultiValued() ? NODES.arrayNode().add(complex) : complex;
                    addTypeCases(cases, d.getName() + "." + sub.getName(), d.getName(), null, value);
                }
            }
        }
        for (AttributeDefinition d : UserSchema.ENTERPRISE.getAttributes()) {
            for (JsonNode bad : wrongValues(d, false)) addTypeCases(cases, d.getName(), d.getName(), ENTERPRISE, bad);
        }
        // schemas null, and the Enterprise extension as something else than an object
        cases.add(new Case("POST schemas null", "POST", "/Users", "{\"schemas\":null,\"userName\":\"new@example.com\"}",
                400, "invalidSyntax", "schemas"));
        cases.add(new Case("PUT schemas null", "PUT", "/Users/{id}", "{\"schemas\":null,\"userName\":\"ann@example.com\"}",
                400, "invalidSyntax", "schemas"));
        cases.add(new Case("PUT enterprise as a string", "PUT", "/Users/{id}",
                "{\"userName\":\"ann@example.com\",\"" + ENTERPRISE + "\":\"Retail\"}", 400, "invalidValue", ENTERPRISE));
    }

    /** JSON values of the wrong type for {@code d}; the liberal readings IdPs need are left out (IdpQuirks). */
    private static List<JsonNode> wrongValues(AttributeDefinition d, boolean sub) {
        List<JsonNode> out = new ArrayList<>();
        boolean manager = d.getName().equals("manager");  // Entra: a plain id, or a one-element array
        if (d.isMultiValued()) {
            out.add(NODES.textNode("str"));
            out.add(NODES.numberNode(42));
            out.add(NODES.booleanNode(true));
            out.add(NODES.objectNode().put("value", "x"));
            out.add(NODES.arrayNode().addNull());
            out.add(NODES.arrayNode().add(42));
            return out;
        }
        switch (d.getType()) {
            case BOOLEAN -> {
                out.add(NODES.numberNode(1));
                out.add(NODES.textNode("yes"));
                if (!sub) out.add(NODES.objectNode());
                out.add(NODES.arrayNode().add(true));
                if (!sub) out.add(NODES.arrayNode());
            }
            case COMPLEX -> {
                out.add(NODES.numberNode(42));
                out.add(NODES.booleanNode(true));
                if (!manager) out.add(NODES.textNode("str"));
                if (!manager) out.add(NODES.arrayNode().add(NODES.objectNode().put("givenName", "x")));
                if (manager) out.add(NODES.arrayNode().add(NODES.objectNode().put("value", "a")).add(NODES.objectNode().put("value", "b")));
            }
            default -> {
                out.add(NODES.numberNode(42));
                out.add(NODES.booleanNode(true));
                if (!sub) out.add(NODES.objectNode().put("a", 1));
                out.add(NODES.arrayNode().add("x"));
            }
        }
        return out;
    }

    private static void addTypeCases(List<Case> cases, String shown, String attribute, String extension, JsonNode value) {
        String label = shown + " = " + value;
        ObjectNode post = user("new@example.com");
        ObjectNode put = user("ann@example.com");
        if (extension == null) {
            post.set(attribute, value);
            put.set(attribute, value);
        } else {
            post.putObject(extension).set(attribute, value);
            put.putObject(extension).set(attribute, value);
        }
        String path = extension == null ? attribute : extension + ":" + attribute;
        ObjectNode patch = NODES.objectNode();
        patch.putArray("schemas").add(PATCH_OP);
        patch.putArray("Operations").addObject().put("op", "replace").put("path", path).set("value", value);
        String named = attribute.equals("password") ? "password" : attribute;
        cases.add(new Case("POST " + label, "POST", "/Users", post.toString(), 400, "invalidValue", named));
        cases.add(new Case("PUT " + label, "PUT", "/Users/{id}", put.toString(), 400, "invalidValue", named));
        cases.add(new Case("PATCH " + label, "PATCH", "/Users/{id}", patch.toString(), 400, "invalidValue", named));
    }

    private static void patches(List<Case> cases) {
        String ent = ENTERPRISE;
        Object[][] table = {
                // operation                                                                   scimType        detail
                {"{\"op\":\"add\",\"path\":\"fooBar\",\"value\":\"x\"}",                          "invalidPath", "fooBar is not an attribute"},
                {"{\"op\":\"replace\",\"path\":\"fooBar\",\"value\":\"x\"}",                      "invalidPath", "fooBar is not an attribute"},
                {"{\"op\":\"remove\",\"path\":\"fooBar\"}",                                       "invalidPath", "fooBar is not an attribute"},
                {"{\"op\":\"replace\",\"path\":\"name.fooBar\",\"value\":\"x\"}",                 "invalidPath", "fooBar is not a sub-attribute of name"},
                {"{\"op\":\"remove\",\"path\":\"emails.fooBar\"}",                                "invalidPath", "fooBar is not a sub-attribute of emails"},
                {"{\"op\":\"add\",\"path\":\"urn:example:ext:1.0:User:badge\",\"value\":\"7\"}",  "invalidPath", "urn:example:ext:1.0:User"},
                {"{\"op\":\"remove\",\"path\":\"" + ent + ":fooBar\"}",                           "invalidPath", "fooBar is not an attribute of the Enterprise"},
                {"{\"op\":\"replace\",\"value\":{\"fooBar\":\"x\"}}",                              "invalidPath", "fooBar"},
                {"{\"op\":\"remove\",\"path\":\"active\"}",                                       "mutability", "replace active with false"},
                {"{\"op\":\"remove\",\"path\":\"userName\"}",                                     "mutability", "userName"},
                {"{\"op\":\"remove\",\"path\":\"emails[type eq \\\"work\\\"\"}",                  "invalidPath", "[ without its closing ]"},
                {"{\"op\":\"replace\",\"path\":\"\",\"value\":\"x\"}",                            "invalidPath", "path is empty"},
                {"{\"op\":\"replace\",\"path\":\"display name\",\"value\":\"x\"}",                "invalidPath", "cannot be parsed"},
                {"{\"op\":\"replace\",\"path\":\"emails[type eq work].value\",\"value\":\"x\"}",  "invalidPath", "cannot be parsed"},
                {"{\"op\":\"replace\",\"path\":\"id\",\"value\":\"x\"}",                          "mutability", "id is read-only"},
                {"{\"op\":\"replace\",\"path\":\"emails[type eq \\\"home\\\"].value\",\"value\":\"h@x.com\"}", "noTarget", "home"},
                {"{\"op\":\"move\",\"path\":\"title\",\"value\":\"x\"}",                          "invalidSyntax", "add, remove or replace"},
                {"{\"op\":\"replace\",\"path\":\"title\",\"value\":\"" + "t".repeat(3000) + "\"}", "invalidValue", "title is 3000 characters long"},
        };
        for (Object[] row : table) {
            String body = "{\"schemas\":[\"" + PATCH_OP + "\"],\"Operations\":[" + row[0] + "]}";
            cases.add(new Case("PATCH " + abbreviate((String) row[0]), "PATCH", "/Users/{id}", body, 400, (String) row[1], (String) row[2]));
        }
        String op = "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"T\"},";
        cases.add(new Case("PATCH with 101 operations", "PATCH", "/Users/{id}", "{\"Operations\":[" + op.repeat(100)
                + op.substring(0, op.length() - 1) + "]}", 400, "invalidValue", "at most 100"));
        ArrayNode emails = NODES.arrayNode();
        for (int i = 0; i < 101; i++) emails.addObject().put("value", "e" + i + "@example.com");
        cases.add(new Case("PATCH adding 101 emails", "PATCH", "/Users/{id}", "{\"Operations\":[{\"op\":\"add\",\"path\":\"emails\","
                + "\"value\":" + emails + "}]}", 400, "invalidValue", "emails has 102 values; at most 100"));
        cases.add(new Case("PATCH schemas not PatchOp", "PATCH", "/Users/{id}", "{\"schemas\":[\"" + USER + "\"],\"Operations\":["
                + op.substring(0, op.length() - 1) + "]}", 400, "invalidSyntax", PATCH_OP));
    }

    private static void filters(List<Case> cases) {
        Object[][] table = {
                {"userName eq a\"",                               "string without its closing"},
                {"emails[type eq \"work\"",                       "[ without its closing ]"},
                {"userName eq \"a\" \u0000",                      "U+0000"},
                {"userName eq \"a\" trailing",                    "cannot be parsed"},
                {"userName eq \"\\u0000\"",                        "U+0000 (NUL)"},
                {"meta.lastModified gt \"+294277-01-01T00:00:00Z\"", "from the year 1 to 9999"},
                {"fooBar eq \"x\"",                               "fooBar"},
                {"userName eq \"a\")",                            ") without a ("},
        };
        for (Object[] row : table) {
            String filter = (String) row[0];
            cases.add(new Case("GET filter " + filter.replace("\u0000", "<NUL>"), "GET",
                    "/Users?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), null, 400, "invalidFilter", (String) row[1]));
            if (filter.indexOf('\u0000') >= 0) continue;  // a raw NUL in a JSON body is refused as a body (below)
            ObjectNode search = NODES.objectNode().put("filter", filter);
            cases.add(new Case(".search filter " + filter, "POST", "/Users/.search", search.toString(), 400, "invalidFilter",
                    (String) row[1]));
        }
        cases.add(new Case("GET filter too long", "GET", "/Users?filter=" + "a".repeat(2100), null, 400, "invalidFilter",
                "longer than 2048"));
    }

    private static void limitsAndCharacters(List<Case> cases) {
        for (String attribute : List.of("displayName", "externalId")) {
            String v = "d".repeat(3000);
            cases.add(new Case("POST " + attribute + " of 3000", "POST", "/Users", user("new@example.com").put(attribute, v).toString(),
                    400, "invalidValue", attribute + " is 3000 characters long; at most 512"));
            cases.add(new Case("PUT " + attribute + " of 3000", "PUT", "/Users/{id}", user("ann@example.com").put(attribute, v).toString(),
                    400, "invalidValue", attribute + " is 3000 characters long; at most 512"));
        }
        cases.add(new Case("POST userName with U+202E", "POST", "/Users", user("live\u202Emoc.elpmaxe@acme.example").toString(),
                400, "invalidValue", "U+202E RIGHT-TO-LEFT OVERRIDE"));
        cases.add(new Case("PUT userName with a zero-width space", "PUT", "/Users/{id}", user("ann\u200B@example.com").toString(),
                400, "invalidValue", "U+200B ZERO WIDTH SPACE"));
        cases.add(new Case("POST a 200-character local part", "POST", "/Users", user("a".repeat(200) + "@example.com").toString(),
                400, "invalidValue", "longer than 64 characters"));
        cases.add(new Case("POST userName not an email", "POST", "/Users", user("jdoe").toString(), 400, "invalidValue",
                "there is no @"));
        cases.add(new Case("POST NUL in a value", "POST", "/Users", user("new@example.com").put("title", "a\u0000b").toString(),
                400, "invalidValue", "U+0000"));
        cases.add(new Case("PUT NUL in a key", "PUT", "/Users/{id}", user("ann@example.com").put("ti\u0000tle", "x").toString(),
                400, "invalidValue", "U+0000"));
        cases.add(new Case("PATCH NUL in a value", "PATCH", "/Users/{id}",
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"a\\u0000\"}]}", 400, "invalidValue", "U+0000"));
        cases.add(new Case("POST a lone surrogate", "POST", "/Users",
                "{\"userName\":\"new@example.com\",\"title\":\"\\ud800\"}", 400, "invalidValue", "lone surrogate"));
    }

    /** An unsupported method on an endpoint that exists: 405 with Allow (checked in its own test) and a SCIM Error. */
    private static void methods(List<Case> cases) {
        cases.add(new Case("POST /ServiceProviderConfig", "POST", "/ServiceProviderConfig", "{}", 405, null, "allows GET"));
        cases.add(new Case("PUT /Schemas", "PUT", "/Schemas", "{}", 405, null, "allows GET"));
        cases.add(new Case("DELETE /ResourceTypes", "DELETE", "/ResourceTypes", null, 405, null, "allows GET"));
        cases.add(new Case("PATCH /Users", "PATCH", "/Users", "{}", 405, null, "allows GET, POST"));
        cases.add(new Case("POST /Users/{id}", "POST", "/Users/{id}", "{}", 405, null, "allows GET, PUT, PATCH, DELETE"));
        cases.add(new Case("GET /Bulk", "GET", "/Bulk", null, 405, null, "allows POST"));
    }

    @Test
    void a_405_names_the_allowed_methods_in_Allow_and_an_anonymous_one_is_still_401() {
        Http.Response r = scim("DELETE", "/Users", null);
        Http.Response anonymous = app.http().send("DELETE", org.scimPath() + "/Users", null, (String) null);

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, POST");
        assertThat(anonymous.status()).isEqualTo(401);
    }

    @Test
    void single_user_answers_carry_Location() {
        String location = scim("GET", "/Users/" + id, null).expect(200).header("Location");
        String patched = scim("PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"replace\",\"path\":\"nickName\",\"value\":\"A\"}]}")
                .expect(200).header("Location");
        JsonNode current = scim("GET", "/Users/" + id, null).json();
        ((ObjectNode) current).remove("meta");
        String put = scim("PUT", "/Users/" + id, current.toString()).expect(200).header("Location");

        assertThat(location).isEqualTo(app.baseUrl() + org.scimPath() + "/Users/" + id);
        assertThat(patched).isEqualTo(location);
        assertThat(put).isEqualTo(location);
    }

    @Test
    void a_patch_or_put_that_changes_nothing_keeps_the_version_and_lastModified() {
        Http.Response before = scim("GET", "/Users/" + id, null).expect(200);
        String title = before.json().get("title").asText();

        Http.Response patched = scim("PATCH", "/Users/" + id,
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"" + title + "\"}]}").expect(200);
        Http.Response put = scim("PUT", "/Users/" + id, before.json().toString()).expect(200);

        assertThat(patched.header("ETag")).isEqualTo(before.header("ETag"));
        assertThat(put.header("ETag")).isEqualTo(before.header("ETag"));
        assertThat(put.json().at("/meta/lastModified")).isEqualTo(before.json().at("/meta/lastModified"));
    }

    @Test
    void put_ignores_read_only_values_that_differ_from_the_stored_ones() {
        JsonNode current = scim("GET", "/Users/" + id, null).json();
        ObjectNode body = current.deepCopy();
        body.put("id", "00000000-0000-0000-0000-000000000000");
        body.putObject("meta").put("version", "W/\"999\"").put("created", "2001-01-01T00:00:00Z");
        body.putArray("groups").addObject().put("value", "g1");
        body.put("nickName", "Readonly-ignored");

        JsonNode answer = scim("PUT", "/Users/" + id, body.toString()).expect(200).json();

        assertThat(answer.get("id").asText()).isEqualTo(id);
        assertThat(answer.get("nickName").asText()).isEqualTo("Readonly-ignored");
        assertThat(answer.at("/meta/created")).isEqualTo(current.at("/meta/created"));
    }

    @Test
    void entra_add_to_the_existing_work_email_replaces_it() {
        // learn.microsoft.com/en-us/answers/questions/1684621: Entra sends Add after an email change.
        JsonNode answer = scim("PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"Add\","
                + "\"path\":\"emails[type eq \\\"work\\\"].value\",\"value\":\"ann.new@example.com\"}]}").expect(200).json();

        assertThat(answer.get("emails")).hasSize(1);
        assertThat(answer.at("/emails/0/value").asText()).isEqualTo("ann.new@example.com");
        assertThat(answer.at("/emails/0/type").asText()).isEqualTo("work");
    }

    @Test
    void the_enterprise_urn_as_a_path_removes_and_adds_the_whole_extension() {
        String other = scim("POST", "/Users", "{\"userName\":\"ext@example.com\",\"" + ENTERPRISE + "\":{\"department\":\"R\"}}")
                .expect(201).json().get("id").asText();

        JsonNode removed = scim("PATCH", "/Users/" + other, "{\"Operations\":[{\"op\":\"remove\",\"path\":\"" + ENTERPRISE + "\"}]}")
                .expect(200).json();
        JsonNode added = scim("PATCH", "/Users/" + other, "{\"Operations\":[{\"op\":\"add\",\"path\":\"" + ENTERPRISE + "\","
                + "\"value\":{\"costCenter\":\"C1\"}}]}").expect(200).json();

        assertThat(removed.has(ENTERPRISE)).isFalse();
        assertThat(added.get(ENTERPRISE)).isEqualTo(JSON.createObjectNode().put("costCenter", "C1"));
    }

    private static ObjectNode user(String userName) {
        ObjectNode u = NODES.objectNode();
        u.putArray("schemas").add(USER).add(ENTERPRISE);
        u.put("userName", userName);
        return u;
    }

    private static long users() {
        return scim("GET", "/Users?count=0", null).expect(200).json().get("totalResults").asLong();
    }

    private static Http.Response scim(String method, String path, String body) {
        return app.http().send(method, org.scimPath() + path, body, Map.of("Authorization", "Bearer " + org.token()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 90 ? s : s.substring(0, 87) + "...";
    }
}
