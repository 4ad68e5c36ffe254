package dev.lanyard.console;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Organization > SAML single sign-on in the console: the SP values to copy, metadata import,
 * certificates with fingerprint and expiry warning, the switch, "Test sign-in" as a real round
 * trip through an IdP, the sign-in log with its filters, and the SAML setup guides.
 */
class SamlScreenIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    static String metadata(SamlIdp.Key key) {
        String cert = key.pem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
                  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
                      <ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="http://idp.test/post"/>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://idp.test/sso"/>
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>""".formatted(SamlIdp.ISSUER, cert);
    }

    @Test
    void an_admin_imports_metadata_tests_the_sign_in_turns_it_on_and_reads_the_log() {
        TestApp.Org org = app.newOrg("saml-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", "{\"userName\":\"ann@example.com\"}").expect(201);

        Http.Response page = browser.get("/console/saml").expect(200);
        String acs = app.baseUrl() + "/sso/" + org.id() + "/acs";
        String entityId = app.baseUrl() + "/sso/" + org.id() + "/metadata";
        assertThat(page.body()).contains("id=\"saml-status\">off<")
                .contains("value=\"" + acs + "\"").contains("data-copy=\"sp-acs\"")
                .contains("value=\"" + entityId + "\"").contains("data-copy=\"sp-entity\"")
                .contains("value=\"" + app.baseUrl() + "/sso/" + org.id() + "/login\"")
                .contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
                .contains("an IdP signing certificate");

        // Turning it on before it is complete is refused, with the reason, and changes nothing.
        Http.Response early = browser.post("/console/saml/options", Map.of("csrf", ConsoleBrowser.csrf(page), "enabled", "on")).expect(400);
        assertThat(early.body()).contains("cannot be turned on yet");
        // Bad metadata: refused, nothing stored.
        Http.Response bad = browser.post("/console/saml/metadata", Map.of("csrf", ConsoleBrowser.csrf(page),
                "xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")).expect(400);
        assertThat(bad.body()).contains("DOCTYPE");
        assertThat(app.count("select count(*) from saml_idp_certificates where org_id = ?::uuid", org.id())).isZero();

        browser.post("/console/saml/metadata", Map.of("csrf", ConsoleBrowser.csrf(page), "xml", metadata(SamlIdp.Key.load("idp")))).expect(303);
        Http.Response imported = browser.get("/console/saml").expect(200);
        assertThat(imported.body()).contains("value=\"" + SamlIdp.ISSUER + "\"").contains("value=\"http://idp.test/sso\"")
                .contains("CN=lanyard-test-idp").contains("class=\"fingerprint\"");

        // Test sign-in while SAML is still off: a real round trip through the IdP.
        Http.Response toIdp = browser.post("/console/saml/test", Map.of("csrf", ConsoleBrowser.csrf(imported))).expect(303);
        URI location = URI.create(toIdp.header("Location"));
        assertThat(location.getHost()).isEqualTo("idp.test");
        Map<String, String> query = Arrays.stream(location.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        String requestId = SamlIdp.requestId(query.get("SAMLRequest"));
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"), SamlIdp.values(acs, entityId, "Ann@Example.com", requestId)));
        SamlIdp.sign(SamlIdp.assertion(doc), SamlIdp.Signing.with(SamlIdp.Key.load("idp")));
        String form = "SAMLResponse=" + URLEncoder.encode(SamlIdp.base64(SamlIdp.serialize(doc)), StandardCharsets.UTF_8)
                + "&RelayState=" + URLEncoder.encode(query.get("RelayState"), StandardCharsets.UTF_8);
        Http.Response back = app.http().send("POST", "/sso/" + org.id() + "/acs", form, Map.of("Content-Type", "application/x-www-form-urlencoded"))
                .expect(303);
        assertThat(back.header("Location")).startsWith("/console/saml/test/");
        assertThat(back.header("Set-Cookie")).as("a test opens no member session").isNull();
        Http.Response result = browser.get(back.header("Location")).expect(200);
        assertThat(result.body()).contains("Test sign-in worked").contains("id=\"test-nameid\">Ann@Example.com<")
                .contains("id=\"test-account\">ann@example.com (active)<").contains("firstName").contains("Ann");
        // Another organization's admin cannot read it.
        TestApp.Org other = app.newOrg("saml-other-" + UUID.randomUUID());
        ConsoleBrowser.signedIn(app, other, "x@example.com").get(back.header("Location")).expect(404);

        browser.post("/console/saml/options", Map.of("csrf", ConsoleBrowser.csrf(result), "enabled", "on")).expect(303);
        assertThat(browser.get("/console/saml").expect(200).body()).contains("id=\"saml-status\">on<");

        // A refused attempt, then the log and its filters.
        app.http().send("POST", "/sso/" + org.id() + "/acs", "SAMLResponse=bm90IHhtbA%3D%3D",
                Map.of("Content-Type", "application/x-www-form-urlencoded")).expect(403);
        Http.Response log = browser.get("/console/saml/log").expect(200);
        assertThat(log.body()).contains("malformed").contains("Ann@Example.com").contains(">test<");
        Http.Response failures = browser.get("/console/saml/log?outcome=failure").expect(200);
        assertThat(failures.body()).contains("malformed").doesNotContain("Ann@Example.com");
        assertThat(browser.get("/console/saml/log?q=ann%40example").expect(200).body()).contains("Ann@Example.com").doesNotContain("malformed");
    }

    @Test
    void the_sign_in_log_pages_back_and_forth_by_keyset_and_counts_what_the_filter_shows() {
        TestApp.Org org = app.newOrg("saml-log-pages-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        // Times out of id order (ids are not the page order), 104 refusals and 3 successes.
        for (int i = 0; i < 107; i++) {
            app.execute("insert into saml_sign_in_log (org_id, at, flow, outcome, reason, detail, name_id) "
                            + "values (?::uuid, now() - make_interval(secs => ?), 'sp-initiated', ?, ?, 'd', ?)",
                    org.id(), (i * 37) % 107 + 1, i < 104 ? "failure" : "success", i < 104 ? "unsigned" : "ok", "user-" + i + "@example.com");
        }
        String base = "/console/saml/log?outcome=failure";
        String first = browser.get(base).expect(200).body();
        assertThat(first).contains("104 attempts match these filters, newest first.", ">1–50 of 104<").doesNotContain(">Previous<");
        String second = browser.get(link(first, "next")).expect(200).body();
        assertThat(second).contains(">51–100 of 104<", ">Previous<", ">Newest<");
        String third = browser.get(link(second, "next")).expect(200).body();
        assertThat(third).contains(">101–104 of 104<").doesNotContain("rel=\"next\"");
        assertThat(users(third)).hasSize(4);
        var seen = new java.util.HashSet<String>(users(first));
        seen.addAll(users(second));
        seen.addAll(users(third));
        assertThat(seen).hasSize(104);

        String backToSecond = browser.get(link(third, "prev")).expect(200).body();
        assertThat(backToSecond).contains(">51–100 of 104<");
        assertThat(users(backToSecond)).isEqualTo(users(second));
        String backToFirst = browser.get(link(backToSecond, "prev")).expect(200).body();
        assertThat(backToFirst).contains(">1–50 of 104<").doesNotContain(">Previous<");
        assertThat(users(backToFirst)).isEqualTo(users(first));

        assertThat(browser.get("/console/saml/log").expect(200).body()).contains("107 attempts, newest first.", ">1–50 of 107<");
        assertThat(browser.get("/console/saml/log?outcome=success").expect(200).body())
                .contains("3 attempts match these filters", ">1–3 of 3<");
    }

    private static String link(String page, String rel) {
        var m = java.util.regex.Pattern.compile("href=\"([^\"]+)\" rel=\"" + rel + "\"").matcher(page);
        if (!m.find()) throw new AssertionError("no " + rel + " link in " + page);
        return m.group(1).replace("&amp;", "&");
    }

    private static java.util.List<String> users(String page) {
        var m = java.util.regex.Pattern.compile("user-\\d+@example\\.com").matcher(page);
        java.util.List<String> found = new java.util.ArrayList<>();
        while (m.find()) found.add(m.group());
        return found;
    }

    @Test
    void a_certificate_that_expires_within_30_days_is_warned_about_and_forms_need_the_csrf_token() {
        TestApp.Org org = app.newOrg("saml-expiry-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        Http.Response page = browser.get("/console/saml").expect(200);
        browser.post("/console/saml/certificates", Map.of("csrf", "forged", "pem", SamlIdp.Key.load("soon").pem())).expect(403);
        assertThat(app.count("select count(*) from saml_idp_certificates where org_id = ?::uuid", org.id())).isZero();
        browser.post("/console/saml/certificates", Map.of("csrf", ConsoleBrowser.csrf(page), "pem", SamlIdp.Key.load("soon").pem())).expect(303);
        assertThat(browser.get("/console/saml").expect(200).body()).contains("class=\"error cert-warning\"")
                .contains("CN=lanyard-test-soon").contains("expires soon");

        // The audit trail gets the warning once per certificate and threshold, from the hourly check, never from a page view.
        browser.get("/console/saml").expect(200);
        assertThat(warnings(org)).isZero();
        app.services().saml().warnExpiringCertificates(java.time.Instant.now());
        app.services().saml().warnExpiringCertificates(java.time.Instant.now());
        assertThat(warnings(org)).isEqualTo(1);
        assertThat(app.queryString("select actor || ' ' || (detail->>'threshold') from audit_trail where org_id = ?::uuid "
                + "and action = 'saml.certificate_expiring'", org.id())).isIn("system 30", "system 7", "system 1");
        // Later, past a smaller threshold, once more.
        app.services().saml().warnExpiringCertificates(java.time.Instant.now().plus(java.time.Duration.ofDays(400)));
        app.services().saml().warnExpiringCertificates(java.time.Instant.now().plus(java.time.Duration.ofDays(400)));
        assertThat(warnings(org)).isEqualTo(2);
        assertThat(app.queryString("select detail->>'expired' from audit_trail where org_id = ?::uuid "
                + "and action = 'saml.certificate_expiring' order by id desc limit 1", org.id())).isEqualTo("true");
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and action = 'saml.certificate_added' "
                + "and actor like 'console:%'", org.id())).isEqualTo(1);
    }

    private static long warnings(TestApp.Org org) {
        return app.count("select count(*) from audit_trail where org_id = ?::uuid and action = 'saml.certificate_expiring'", org.id());
    }

    @Test
    void console_admins_sign_in_by_saml_only_when_the_organization_turns_it_on_and_the_password_still_works() {
        TestApp.Org org = app.newOrg("saml-admins-" + UUID.randomUUID());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        Http.Response page = admin.get("/console/saml").expect(200);
        importIdp(admin);
        admin.post("/console/saml/options", Map.of("csrf", ConsoleBrowser.csrf(page), "enabled", "on")).expect(303);

        // Not turned on for admins: refused before the IdP is asked.
        assertThat(app.http().send("GET", "/console/login/saml?org=" + org.name(), (String) null, Map.of()).status()).isEqualTo(409);

        admin.post("/console/saml/options", Map.of("csrf", ConsoleBrowser.csrf(page), "enabled", "on", "consoleAdminsBySaml", "on")).expect(303);
        assertThat(admin.get("/console/saml").expect(200).body()).contains("id=\"consoleAdminsBySaml\" name=\"consoleAdminsBySaml\" value=\"on\" checked");

        // A fresh browser: the IdP vouches for the admin's email, a console session starts.
        Http.Response toIdp = app.http().send("GET", "/console/login/saml?org=" + org.name(), (String) null, Map.of()).expect(303);
        ConsoleBrowser other = new ConsoleBrowser(app.http());
        Http.Response back = postResponseFor(org, toIdp.header("Location"), "OPS@example.com");
        assertThat(back.status()).as(back.toString()).isEqualTo(303);
        assertThat(back.header("Location")).startsWith("/console/login/saml/continue?request=");
        String session = ConsoleBrowser.setCookie(back, "lanyard_session").split(";")[0];
        // No page was asked for before sign-in: the continue step opens Home.
        assertThat(app.http().send("GET", back.header("Location"), (String) null, Map.of("Cookie", session)).expect(303).header("Location"))
                .isEqualTo("/console");
        Http.Response home = app.http().send("GET", "/console", (String) null, Map.of("Cookie", session));
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("ops@example.com");

        // An email that is no admin there: refused, no session.
        Http.Response notAdmin = postResponseFor(org, app.http().send("GET", "/console/login/saml?org=" + org.id(), (String) null, Map.of())
                .expect(303).header("Location"), "someone@example.com");
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.body()).contains("no console admin");
        assertThat(notAdmin.header("Set-Cookie")).isNull();
        // The sign-in log says what happened: the console flow failed for that email, it did not succeed.
        assertThat(app.queryString("select outcome || ' ' || reason from saml_sign_in_log where org_id = ?::uuid and flow = 'console' "
                + "and name_id = 'someone@example.com'", org.id())).isEqualTo("failure not_a_console_admin");
        assertThat(app.queryString("select outcome || ' ' || reason from saml_sign_in_log where org_id = ?::uuid and flow = 'console' "
                + "and name_id = 'OPS@example.com'", org.id())).isEqualTo("success ok");
        // The audit trail: the SAML change (before/after) and the admin's sign-in by SAML.
        assertThat(app.queryString("select detail->'after'->>'consoleAdminsBySaml' from audit_trail where org_id = ?::uuid "
                + "and action = 'saml.settings_changed' order by id desc limit 1", org.id())).isEqualTo("true");
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and action = 'admin.signed_in' "
                + "and detail->>'method' = 'saml' and actor_label = 'ops@example.com'", org.id())).isEqualTo(1);
        // The local password (break-glass) still signs in.
        other.signIn(org.name(), "ops@example.com", ConsoleBrowser.OWN_PASSWORD).expect(303);
    }

    /** The IdP's side of an SP-initiated round trip: answers the AuthnRequest in {@code location} for {@code email}. */
    @Test
    void a_deep_link_survives_signing_in_through_the_identity_provider_and_only_a_console_page_is_followed() {
        TestApp.Org org = app.newOrg("saml-next-" + UUID.randomUUID());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        String csrf = importIdp(admin);
        admin.post("/console/saml/options", Map.of("csrf", csrf, "enabled", "on", "consoleAdminsBySaml", "on")).expect(303);
        String deep = "/console/accounts?status=disabled";

        // A page asked for without a session: the sign-in page carries it into the identity provider's form too.
        String login = app.http().send("GET", "/console/login?next=" + enc(deep), (String) null, Map.of()).expect(200).body();
        String samlForm = login.substring(login.indexOf("action=\"/console/login/saml\""));
        assertThat(samlForm.substring(0, samlForm.indexOf("</form>"))).contains("name=\"next\" value=\"" + deep + "\"");

        // The round trip: the deep link waits in a cookie bound to this AuthnRequest, and is followed after sign-in.
        Http.Response toIdp = app.http().send("GET", "/console/login/saml?org=" + org.name() + "&next=" + enc(deep), (String) null, Map.of())
                .expect(303);
        String bound = ConsoleBrowser.setCookie(toIdp, "lanyard_saml_next");
        assertThat(bound).contains("HttpOnly", "SameSite=Lax", "Path=/console/login/saml");
        Http.Response back = postResponseFor(org, toIdp.header("Location"), "ops@example.com");
        assertThat(back.status()).as(back.toString()).isEqualTo(303);
        String session = ConsoleBrowser.setCookie(back, "lanyard_session").split(";")[0];
        String cookies = session + "; " + bound.split(";")[0];
        Http.Response landed = app.http().send("GET", back.header("Location"), (String) null, Map.of("Cookie", cookies)).expect(303);
        assertThat(landed.header("Location")).isEqualTo(deep);
        assertThat(ConsoleBrowser.setCookie(landed, "lanyard_saml_next")).startsWith("lanyard_saml_next=;"); // used once
        assertThat(app.http().send("GET", deep, (String) null, Map.of("Cookie", session)).expect(200).body()).contains("ops@example.com");

        // Bound to another request (an earlier, abandoned sign-in): not followed.
        String other = back.header("Location").replaceAll("request=[^&]+", "request=_another");
        assertThat(app.http().send("GET", other, (String) null, Map.of("Cookie", cookies)).expect(303).header("Location"))
                .isEqualTo("/console");
        // Another site is never a place to land: refused at the start (no cookie) and again on return.
        for (String evil : java.util.List.of("https://evil.example/console", "//evil.example/console", "/console/../evil", "/\\evil.example")) {
            Http.Response start = app.http().send("GET", "/console/login/saml?org=" + org.name() + "&next=" + enc(evil), (String) null, Map.of())
                    .expect(303);
            assertThat(ConsoleBrowser.setCookies(start)).noneMatch(c -> c.startsWith("lanyard_saml_next=") && !c.startsWith("lanyard_saml_next=;"));
            String request = back.header("Location").substring(back.header("Location").indexOf("request=") + "request=".length());
            String forged = "lanyard_saml_next=" + URLDecoder.decode(request, StandardCharsets.UTF_8) + "."
                    + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(evil.getBytes(StandardCharsets.UTF_8));
            assertThat(app.http().send("GET", back.header("Location"), (String) null, Map.of("Cookie", session + "; " + forged))
                    .expect(303).header("Location")).as(evil).isEqualTo("/console");
        }
        // Without a session the continue step is no way in.
        assertThat(app.http().send("GET", back.header("Location"), (String) null, Map.of("Cookie", bound.split(";")[0])).expect(303)
                .header("Location")).isEqualTo("/console/login");
    }

    /** Imports the test IdP's metadata; returns the session's CSRF token. */
    private static String importIdp(ConsoleBrowser admin) {
        String csrf = ConsoleBrowser.csrf(admin.get("/console/saml").expect(200));
        admin.post("/console/saml/metadata", Map.of("csrf", csrf, "xml", metadata(SamlIdp.Key.load("idp")))).expect(303);
        return csrf;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Http.Response postResponseFor(TestApp.Org org, String location, String email) {
        URI uri = URI.create(location);
        Map<String, String> query = Arrays.stream(uri.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        String acs = app.baseUrl() + "/sso/" + org.id() + "/acs";
        String entityId = app.baseUrl() + "/sso/" + org.id() + "/metadata";
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"),
                SamlIdp.values(acs, entityId, email, SamlIdp.requestId(query.get("SAMLRequest")))));
        SamlIdp.sign(SamlIdp.assertion(doc), SamlIdp.Signing.with(SamlIdp.Key.load("idp")));
        String form = "SAMLResponse=" + URLEncoder.encode(SamlIdp.base64(SamlIdp.serialize(doc)), StandardCharsets.UTF_8)
                + "&RelayState=" + URLEncoder.encode(query.get("RelayState"), StandardCharsets.UTF_8);
        return app.http().send("POST", "/sso/" + org.id() + "/acs", form, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    @Test
    void the_saml_setup_guides_show_this_organizations_values() {
        TestApp.Org org = app.newOrg("saml-guides-" + UUID.randomUUID());
        ConsoleBrowser browser = ConsoleBrowser.signedIn(app, org, "ops@example.com");
        String acs = app.baseUrl() + "/sso/" + org.id() + "/acs";
        assertThat(browser.get("/console/setup").expect(200).body()).contains("/console/setup/okta-saml").contains("/console/setup/entra-saml");
        assertThat(browser.get("/console/setup/okta-saml").expect(200).body()).contains("Audience URI (SP Entity ID)").contains(acs)
                .contains("EmailAddress");
        assertThat(browser.get("/console/setup/entra-saml").expect(200).body()).contains("Reply URL (Assertion Consumer Service URL)")
                .contains(acs).contains("Identifier (Entity ID)");
    }
}
