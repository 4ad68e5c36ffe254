package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No organization ever sees or changes another's data (docs/product-rules.md, "Safety"; rule 5 for the
 * credentials). Every SCIM route is tried with another organization's token, a revoked token,
 * no or a malformed credential, and from an organization whose provisioning is disabled; each
 * refusal must be a SCIM Error (RFC 7644 §3.12) and must change nothing anywhere.
 */
final class IsolationIT {
    private static final String ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
    private static final String USER = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static TestApp app;
    private static TestApp.Org a;
    private static TestApp.Org b;
    private static Target aUser;
    private static Target bUser;
    /** A token of A that worked once and was then revoked through the admin API. */
    private static String revokedToken;
    /** An organization that never had provisioning enabled; it has a token. */
    private static TestApp.Org neverEnabled;
    /** An organization that provisioned a user, then had provisioning turned off. */
    private static TestApp.Org turnedOff;
    private static Target turnedOffUser;

    /** The user a route acts on: its SCIM id and userName. */
    record Target(String id, String userName) {}

    /** One SCIM route: method, path and body (both may depend on the target user). */
    record Route(String name, String method, Function<Target, String> path, Function<Target, String> body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Route> routes() {
        return Stream.of(
                new Route("GET /Users", "GET", t -> "/Users", t -> null),
                new Route("GET /Users?filter", "GET", t -> "/Users?filter=" + encode("userName eq \"" + t.userName() + "\""), t -> null),
                new Route("POST /Users", "POST", t -> "/Users", t -> userBody("new-" + UUID.randomUUID() + "@intruder.example")),
                new Route("GET /Users/{id}", "GET", t -> "/Users/" + t.id(), t -> null),
                new Route("PUT /Users/{id}", "PUT", t -> "/Users/" + t.id(), t -> userBody(t.userName())),
                new Route("PATCH /Users/{id}", "PATCH", t -> "/Users/" + t.id(), t -> deactivatingPatch()),
                new Route("DELETE /Users/{id}", "DELETE", t -> "/Users/" + t.id(), t -> null),
                new Route("GET /Groups", "GET", t -> "/Groups", t -> null),
                new Route("POST /Groups", "POST", t -> "/Groups",
                        t -> "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Intruders\"}"),
                new Route("GET /ServiceProviderConfig", "GET", t -> "/ServiceProviderConfig", t -> null),
                new Route("GET /ResourceTypes", "GET", t -> "/ResourceTypes", t -> null),
                new Route("GET /ResourceTypes/User", "GET", t -> "/ResourceTypes/User", t -> null),
                new Route("GET /Schemas", "GET", t -> "/Schemas", t -> null),
                new Route("GET /Schemas/{id}", "GET", t -> "/Schemas/" + USER, t -> null));
    }

    /** The routes that name one user by id. */
    static Stream<Route> userRoutes() {
        return routes().filter(r -> r.name().contains("{id}") && r.name().contains("/Users"));
    }

    @BeforeAll
    static void start() {
        app = TestApp.start();
        a = app.newOrg("isolation-a");
        b = app.newOrg("isolation-b");
        aUser = provision(a, "ann@a-corp.example", "ext-ann-a", "Ann of A", "ann.private@a-mail.example");
        bUser = provision(b, "bob@b-corp.example", "ext-bob-b", "Bob of B", "bob.private@b-mail.example");

        JsonNode extra = app.http().send("POST", "/admin/api/orgs/" + a.id() + "/tokens", app.operatorToken(),
                "{\"label\":\"to be revoked\"}").expect(201).json();
        revokedToken = extra.get("token").asText();
        send("GET", a, "/Users", null, bearer(revokedToken)).expect(200);  // it did work
        app.http().send("DELETE", "/admin/api/orgs/" + a.id() + "/tokens/" + extra.get("id").asText(),
                app.operatorToken(), (String) null).expect(204);

        neverEnabled = app.newOrg("isolation-never-enabled", false);
        turnedOff = app.newOrg("isolation-turned-off");
        turnedOffUser = provision(turnedOff, "cleo@off-corp.example", "ext-cleo", "Cleo", "cleo@off-mail.example");
        app.http().send("PUT", "/admin/api/orgs/" + turnedOff.id() + "/provisioning", app.operatorToken(),
                "{\"enabled\":false}").expect(200);
    }

    @AfterAll
    static void stop() {
        if (app != null) app.close();
    }

    // (a) another organization's token

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void another_organizations_token_is_refused_on_every_route(Route route) {
        State before = State.now();
        String aUserBefore = read(a, aUser).body();

        Http.Response r = send(route, a, aUser, bearer(b.token()));

        assertRefused401(r, b.token());
        assertThat(State.now()).isEqualTo(before);
        assertThat(read(a, aUser).body()).isEqualTo(aUserBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void a_token_at_an_unknown_or_malformed_organization_url_is_refused_on_every_route(Route route) {
        State before = State.now();
        for (String orgPath : List.of(UUID.randomUUID().toString(), "not-an-org", a.id().toUpperCase(java.util.Locale.ROOT) + "x")) {
            Http.Response r = app.http().send(route.method(), "/scim/v2/" + orgPath + route.path().apply(aUser),
                    route.body().apply(aUser), bearer(a.token()));
            assertRefused401(r, a.token());
        }
        assertThat(State.now()).isEqualTo(before);
    }

    // (b) another organization's user id, with the caller's own valid token

    @ParameterizedTest(name = "{0}")
    @MethodSource("userRoutes")
    void another_organizations_user_id_is_not_found_and_that_user_is_unchanged(Route route) {
        State before = State.now();
        String bUserBefore = read(b, bUser).expect(200).body();

        Http.Response r = send(route, a, bUser, bearer(a.token()));

        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertScimError(r, 404);
        assertThat(r.body()).doesNotContain(bUser.userName());
        assertThat(State.now()).isEqualTo(before);
        assertThat(read(b, bUser).expect(200).body()).isEqualTo(bUserBefore);
    }

    @Test
    void listing_users_shows_only_the_callers_own_organization() {
        JsonNode list = send("GET", a, "/Users", null, bearer(a.token())).expect(200).json();

        assertThat(list.get("totalResults").asLong()).isEqualTo(1);
        assertThat(ids(list)).containsExactly(aUser.id());
    }

    // (f) filters never reach into another organization

    static Stream<String> filtersMatchingOnlyB() {
        return Stream.of(
                "userName eq \"bob@b-corp.example\"",
                "userName eq \"BOB@B-CORP.EXAMPLE\"",
                "userName sw \"bob\"",
                "userName co \"b-corp\"",
                "id eq \"%s\"",
                "externalId eq \"ext-bob-b\"",
                "emails.value eq \"bob.private@b-mail.example\"",
                "emails eq \"bob.private@b-mail.example\"",
                "displayName eq \"Bob of B\"",
                "not (userName eq \"ann@a-corp.example\")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filtersMatchingOnlyB")
    void a_filter_for_another_organizations_user_finds_nothing(String template) {
        String filter = template.formatted(bUser.id());
        // The same filter in B finds B's user, so an empty answer in A is isolation, not a dud filter.
        JsonNode inB = send("GET", b, "/Users?filter=" + encode(filter), null, bearer(b.token())).expect(200).json();
        assertThat(ids(inB)).as("in B: " + filter).containsExactly(bUser.id());

        JsonNode inA = send("GET", a, "/Users?filter=" + encode(filter), null, bearer(a.token())).expect(200).json();

        assertThat(inA.get("totalResults").asLong()).as(filter).isZero();
        assertThat(inA.get("Resources")).as(filter).isEmpty();
    }

    @Test
    void an_or_filter_naming_users_of_both_organizations_returns_only_the_callers_own() {
        String filter = "userName eq \"" + bUser.userName() + "\" or userName eq \"" + aUser.userName() + "\"";

        JsonNode inA = send("GET", a, "/Users?filter=" + encode(filter), null, bearer(a.token())).expect(200).json();

        assertThat(inA.get("totalResults").asLong()).isEqualTo(1);
        assertThat(ids(inA)).containsExactly(aUser.id());
    }

    @Test
    void a_userName_taken_in_another_organization_can_be_created_and_leaves_that_user_alone() {
        TestApp.Org x = app.newOrg("isolation-same-name-x");
        TestApp.Org y = app.newOrg("isolation-same-name-y");
        Target inX = provision(x, "dana@shared.example", "ext-dana", "Dana in X", "dana@x-mail.example");
        String inXBefore = read(x, inX).body();

        Target inY = provision(y, "dana@shared.example", "ext-dana", "Dana in Y", "dana@y-mail.example");

        assertThat(inY.id()).isNotEqualTo(inX.id());
        assertThat(read(x, inX).body()).isEqualTo(inXBefore);
        send("DELETE", y, "/Users/" + inY.id(), null, bearer(y.token())).expect(204);
        assertThat(read(x, inX).expect(200).body()).isEqualTo(inXBefore);
    }

    // (c) a revoked token

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void a_revoked_token_is_refused_on_every_route(Route route) {
        State before = State.now();

        Http.Response r = send(route, a, aUser, bearer(revokedToken));

        assertRefused401(r, revokedToken);
        assertThat(State.now()).isEqualTo(before);
    }

    @Test
    void revoking_one_token_leaves_the_organizations_other_tokens_working() {
        send("GET", a, "/Users/" + aUser.id(), null, bearer(a.token())).expect(200);
    }

    @Test
    void a_token_cannot_be_revoked_through_another_organizations_admin_path() {
        Http.Response r = app.http().send("DELETE", "/admin/api/orgs/" + a.id() + "/tokens/" + b.tokenId(),
                app.operatorToken(), (String) null);

        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        send("GET", b, "/Users/" + bUser.id(), null, bearer(b.token())).expect(200);
    }

    // (d) no credential, or a malformed one

    /** A way of sending (or not sending) credentials, and the secret it must never echo. */
    record Credential(String name, Map<String, String> headers, String secret) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Credential> badCredentials() {
        String garbage = "garbage-" + UUID.randomUUID();
        String token = a.token();
        return Stream.of(
                new Credential("no Authorization header", Map.of(), null),
                new Credential("empty Bearer", Map.of("Authorization", "Bearer "), null),
                new Credential("garbage Bearer token", bearer(garbage), garbage),
                new Credential("garbage with our prefix", bearer("lanyard_scim_" + garbage), garbage),
                new Credential("valid token without Bearer", Map.of("Authorization", token), token),
                new Credential("valid token as Basic", Map.of("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString((token + ":").getBytes(StandardCharsets.UTF_8))), token),
                new Credential("valid token as Basic, raw", Map.of("Authorization", "Basic " + token), token),
                new Credential("valid token with a suffix", bearer(token + "x"), token));
    }

    static Stream<Arguments> routesTimesBadCredentials() {
        List<Arguments> all = new ArrayList<>();
        routes().forEach(route -> badCredentials().forEach(c -> all.add(Arguments.of(route, c))));
        return all.stream();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("routesTimesBadCredentials")
    void a_missing_or_malformed_credential_is_refused_on_every_route(Route route, Credential credential) {
        State before = State.now();

        Http.Response r = send(route, a, aUser, credential.headers());

        if (credential.secret() == null) assertRefused401(r);
        else assertRefused401(r, credential.secret());
        assertThat(State.now()).isEqualTo(before);
    }

    // (e) provisioning disabled

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void an_organization_that_never_enabled_provisioning_is_refused_on_every_route(Route route) {
        State before = State.now();
        Target nobody = new Target(UUID.randomUUID().toString(), "nobody@never.example");

        Http.Response r = send(route, neverEnabled, nobody, bearer(neverEnabled.token()));

        assertProvisioningDisabled(r);
        assertThat(State.now()).isEqualTo(before);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?", UUID.fromString(neverEnabled.id())))
                .isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void an_organization_that_turned_provisioning_off_is_refused_on_every_route_and_keeps_its_users(Route route) {
        State before = State.now();

        Http.Response r = send(route, turnedOff, turnedOffUser, bearer(turnedOff.token()));

        assertProvisioningDisabled(r);
        assertThat(State.now()).isEqualTo(before);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ? and status = 'active' and scim_id = ?",
                UUID.fromString(turnedOff.id()), UUID.fromString(turnedOffUser.id()))).isEqualTo(1);
    }

    @Test
    void a_disabled_organizations_status_is_told_only_to_its_own_token() {
        // A's token at the disabled org's URL, and the disabled org's token at A's URL: both are
        // simply not valid there (401); neither learns whether the other org has provisioning on.
        Http.Response foreignAtDisabled = send("GET", neverEnabled, "/Users", null, bearer(a.token()));
        Http.Response disabledAtForeign = send("GET", a, "/Users", null, bearer(neverEnabled.token()));

        assertRefused401(foreignAtDisabled, a.token());
        assertRefused401(disabledAtForeign, neverEnabled.token());
        assertThat(foreignAtDisabled.json().get("detail").asText()).doesNotContainIgnoringCase("disabled");
        assertThat(disabledAtForeign.json().get("detail").asText()).doesNotContainIgnoringCase("disabled");
    }

    // helpers

    /** Counts over the whole database: equal before and after means nothing changed anywhere. */
    record State(long accounts, long versions, long linked, long events, long organizations, long activeTokens) {
        static State now() {
            return new State(
                    app.count("select count(*) from managed_accounts"),
                    app.count("select coalesce(sum(version), 0) from managed_accounts"),
                    app.count("select count(*) from managed_accounts where scim_id is not null"),
                    app.count("select count(*) from account_events"),
                    app.count("select count(*) from organizations"),
                    app.count("select count(*) from provisioning_tokens where revoked_at is null"));
        }
    }

    private static void assertRefused401(Http.Response r, String... sentSecrets) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertScimError(r, 401);
        assertThat(r.header("WWW-Authenticate")).as("WWW-Authenticate").isNotNull().startsWith("Bearer");
        for (String secret : sentSecrets) {
            assertThat(r.body()).as("the 401 body echoes the token").doesNotContain(secret);
            r.headers().forEach((name, values) ->
                    assertThat(values).as("header " + name + " echoes the token").noneMatch(v -> v.contains(secret)));
        }
    }

    private static void assertProvisioningDisabled(Http.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertScimError(r, 403);
        assertThat(r.json().get("detail").asText()).containsIgnoringCase("provisioning is disabled");
    }

    private static void assertScimError(Http.Response r, int status) {
        assertThat(r.header("Content-Type")).as("Content-Type of " + r).startsWith("application/scim+json");
        JsonNode error = r.json();
        assertThat(error.get("schemas")).as(r.toString()).isNotNull();
        assertThat(error.get("schemas").toString()).contains(ERROR);
        assertThat(error.get("status")).as("status of " + r).isNotNull();
        assertThat(error.get("status").isTextual()).as("status is a JSON string in " + r).isTrue();
        assertThat(error.get("status").asText()).isEqualTo(String.valueOf(status));
        assertThat(error.get("detail")).as("detail of " + r).isNotNull();
        assertThat(error.get("detail").asText()).isNotBlank();
    }

    private static Target provision(TestApp.Org org, String userName, String externalId, String displayName, String email) {
        String body = """
                {"schemas":["%s"],"userName":"%s","externalId":"%s","displayName":"%s",
                 "name":{"givenName":"%s","familyName":"Example"},
                 "emails":[{"value":"%s","type":"work","primary":true}],"active":true}"""
                .formatted(USER, userName, externalId, displayName, displayName.split(" ")[0], email);
        JsonNode created = send("POST", org, "/Users", body, bearer(org.token())).expect(201).json();
        return new Target(created.get("id").asText(), userName);
    }

    private static Http.Response read(TestApp.Org org, Target user) {
        return send("GET", org, "/Users/" + user.id(), null, bearer(org.token()));
    }

    private static Http.Response send(Route route, TestApp.Org at, Target target, Map<String, String> headers) {
        return send(route.method(), at, route.path().apply(target), route.body().apply(target), headers);
    }

    private static Http.Response send(String method, TestApp.Org at, String path, String body, Map<String, String> headers) {
        return app.http().send(method, at.scimPath() + path, body, headers);
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static List<String> ids(JsonNode listResponse) {
        List<String> ids = new ArrayList<>();
        listResponse.get("Resources").forEach(u -> ids.add(u.get("id").asText()));
        return ids;
    }

    private static String userBody(String userName) {
        return """
                {"schemas":["%s"],"userName":"%s","displayName":"taken over","active":false}""".formatted(USER, userName);
    }

    private static String deactivatingPatch() {
        return """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"active":false,"displayName":"taken over"}}]}""";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
