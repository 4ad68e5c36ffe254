package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.security.Roles;
import io.javalin.security.RouteRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Access rules hold for every route the server has registered, read back from Javalin rather
 * than listed here, so a route added tomorrow is checked too: each console and SCIM route
 * declares its {@link Access} rule; every route that is not {@link Access#PUBLIC} refuses an
 * anonymous request and writes nothing; every console POST refuses a form without its CSRF token.
 */
class RouteAccessIT {
    static final TestApp app = TestApp.start();
    private static final Set<HandlerType> METHODS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);
    private static final List<String> TABLES = List.of("organizations", "provisioning_tokens", "managed_accounts",
            "account_events", "console_admins", "console_sessions", "org_groups", "group_members", "group_events", "audit_trail");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void every_console_and_scim_route_declares_its_access_rule() {
        List<Endpoint> routes = routes();
        assertThat(routes).extracting(e -> e.path).contains("/console/accounts", "/scim/v2/{orgId}/Users", "/admin/api/orgs");
        for (Endpoint e : routes) {
            if (e.path.startsWith("/console") || e.path.startsWith("/scim/")) {
                assertThat(roles(e)).as(e.method + " " + e.path).hasSize(1);
            }
        }
    }

    @Test
    void every_route_that_is_not_public_refuses_an_anonymous_request_and_writes_nothing() {
        TestApp.Org org = app.newOrg("anon-" + UUID.randomUUID());
        ConsoleBrowser.createAdmin(app, org, "kim@example.com");
        Map<String, Long> before = counts();
        int probed = 0;
        for (Endpoint e : routes()) {
            if (roles(e).contains(Access.PUBLIC)) continue;
            String path = concrete(e.path, org);
            Http.Response r = switch (e.method.name()) {
                case "GET", "DELETE" -> app.http().send(e.method.name(), path, null, Map.of());
                case "POST" -> app.http().send("POST", path, "a=b", Map.of("Content-Type", "application/x-www-form-urlencoded"));
                default -> app.http().send(e.method.name(), path, "{}", Map.of("Content-Type", "application/scim+json"));
            };
            String what = e.method + " " + e.path + " -> " + r;
            if (r.status() == 303) {
                // A GET takes the page along (?next=, a path of this console only); a POST does not.
                assertThat(r.header("Location")).as(what).matches("/console/login(\\?next=%2Fconsole%2F[^/:]*)?");
            } else {
                assertThat(r.status()).as(what).isIn(401, 403, 404);
            }
            probed++;
        }
        assertThat(probed).isGreaterThan(30);
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void every_console_post_refuses_a_form_without_its_csrf_token() {
        TestApp.Org org = app.newOrg("csrf-" + UUID.randomUUID());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "lou@example.com");
        ConsoleBrowser operator = new ConsoleBrowser(app.http());
        String formCsrf = ConsoleBrowser.csrf(operator.get("/console/login/operator").expect(200));
        operator.post("/console/login/operator", Map.of("csrf", formCsrf, "credential", app.operatorToken())).expect(303);
        Map<String, Long> before = counts();
        int probed = 0;
        for (Endpoint e : routes()) {
            if (!e.method.equals(HandlerType.POST) || !e.path.startsWith("/console")) continue;
            // Each form is posted by someone its rule lets in, so only the missing token can refuse it.
            ConsoleBrowser browser = roles(e).contains(Access.CONSOLE_OPERATOR) ? operator : admin;
            Http.Response r = browser.post(concrete(e.path, org), Map.of("enabled", "on", "label", "x",
                    "policy", "rename_in_place", "org", org.name(), "email", "lou@example.com",
                    "password", ConsoleBrowser.OWN_PASSWORD, "credential", app.operatorToken()));
            assertThat(r.status()).as(e.method + " " + e.path + " -> " + r).isEqualTo(403);
            assertThat(r.body()).contains("This form did not come from this console");
            probed++;
        }
        assertThat(probed).isGreaterThanOrEqualTo(8);
        assertThat(counts()).isEqualTo(before);
        admin.get("/console").expect(200);  // still signed in: the refused sign-out ended nothing
    }

    private static List<Endpoint> routes() {
        return app.server().unsafe.internalRouter.allHttpHandlers().stream().map(p -> p.endpoint)
                .filter(e -> METHODS.contains(e.method)).toList();
    }

    private static Set<RouteRole> roles(Endpoint e) {
        Roles roles = e.metadata(Roles.class);
        return roles == null ? Set.of() : roles.getRoles();
    }

    /** A request path for a route: the organization's id for {orgId}, a fresh id for any other parameter. */
    private static String concrete(String path, TestApp.Org org) {
        return path.replace("{orgId}", org.id()).replaceAll("\\{[^}]+}", UUID.randomUUID().toString())
                .replace("*", "x");
    }

    private static Map<String, Long> counts() {
        return TABLES.stream().collect(java.util.stream.Collectors.toMap(t -> t, t -> app.count("select count(*) from " + t)));
    }
}
