package dev.lanyard.sso;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Members sign in by SAML over real HTTP: SP- and IdP-initiated, to /me, and are refused once deactivated. */
class SsoSignInIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void idp_initiated_sign_in_lands_on_me_and_deactivation_ends_the_session_at_the_next_request() {
        var f = new SamlFixture(app, "idp-initiated");
        String scimId = f.provision("ann@example.com");

        Http.Response acs = f.post(f.signedResponse("ANN@example.com", null), null);
        assertThat(acs.status()).as(acs.toString()).isEqualTo(303);
        assertThat(acs.header("Location")).isEqualTo("/me");
        String cookie = SamlFixture.cookie(acs);
        assertThat(cookie).startsWith("lanyard_member=");
        assertThat(acs.header("Set-Cookie")).contains("HttpOnly").contains("SameSite=Lax");

        Http.Response me = app.http().send("GET", "/me", (String) null, Map.of("Cookie", cookie));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body()).contains("ann@example.com").contains("idp-initiated").contains("active");
        assertThat(f.lastSignIn().get("outcome").asText()).isEqualTo("success");
        assertThat(f.lastSignIn().get("flow").asText()).isEqualTo("idp-initiated");

        f.deactivate(scimId);
        Http.Response after = app.http().send("GET", "/me", (String) null, Map.of("Cookie", cookie));
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.body()).contains("deactivated");
        assertThat(app.count("select count(*) from member_sessions where org_id = ?::uuid", f.org.id())).isZero();

        Http.Response again = f.post(f.signedResponse("ann@example.com", null), null);
        assertThat(again.status()).isEqualTo(403);
        assertThat(f.lastSignIn().get("reason").asText()).isEqualTo("account_inactive");
    }

    @Test
    void sp_initiated_sign_in_sends_an_AuthnRequest_and_accepts_only_the_answer_to_it_once() {
        var f = new SamlFixture(app, "sp-initiated");
        f.provision("bob@example.com");

        Http.Response login = app.http().send("GET", "/sso/" + f.org.name() + "/login", (String) null, Map.of());
        assertThat(login.status()).isEqualTo(302);
        URI location = URI.create(login.header("Location"));
        assertThat(location.getHost()).isEqualTo("idp.test");
        Map<String, String> query = Arrays.stream(location.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        String requestId = SamlIdp.requestId(query.get("SAMLRequest"));
        String relayState = query.get("RelayState");
        assertThat(relayState).startsWith(requestId + ".").hasSizeLessThanOrEqualTo(80);

        String response = f.signedResponse("bob@example.com", requestId);
        Http.Response acs = f.post(response, relayState);
        assertThat(acs.status()).as(acs.toString()).isEqualTo(303);
        assertThat(acs.header("Location")).isEqualTo("/me");
        assertThat(f.lastSignIn().get("flow").asText()).isEqualTo("sp-initiated");

        // The same request answered again (a new assertion): refused, the request was used up.
        Http.Response second = f.post(f.signedResponse("bob@example.com", requestId), relayState);
        assertThat(second.status()).isEqualTo(403);
        assertThat(f.lastSignIn().get("reason").asText()).isEqualTo("unknown_request");

        // An altered RelayState is refused.
        Http.Response login2 = app.http().send("GET", "/sso/" + f.org.id() + "/login", (String) null, Map.of());
        String relay2 = URLDecoder.decode(login2.header("Location").replaceAll(".*RelayState=", ""), StandardCharsets.UTF_8);
        String id2 = relay2.substring(0, relay2.indexOf('.'));
        // Its last two characters changed, always to something else (a fixed "AA" would be no change 1 time in 256).
        String tail = relay2.substring(relay2.length() - 2).equals("AA") ? "BB" : "AA";
        Http.Response altered = f.post(f.signedResponse("bob@example.com", id2), relay2.substring(0, relay2.length() - 2) + tail);
        assertThat(altered.status()).isEqualTo(403);
        assertThat(f.lastSignIn().get("reason").asText()).isEqualTo("unknown_request");
    }

    @Test
    void an_unknown_user_gets_a_clear_page_and_a_sign_in_log_entry_and_no_account_is_created() {
        var f = new SamlFixture(app, "unknown-user");
        Http.Response acs = f.post(f.signedResponse("nobody@example.com", null), null);
        assertThat(acs.status()).isEqualTo(403);
        assertThat(acs.body()).contains("has not been provisioned yet").contains("Ask your administrator");
        var entry = f.lastSignIn();
        assertThat(entry.get("reason").asText()).isEqualTo("unknown_account");
        assertThat(entry.get("nameId").asText()).isEqualTo("nobody@example.com");
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid", f.org.id())).isZero();
    }

    @Test
    void a_replayed_assertion_is_refused() {
        var f = new SamlFixture(app, "replay");
        f.provision("cy@example.com");
        String response = f.signedResponse("cy@example.com", null);
        assertThat(f.post(response, null).status()).isEqualTo(303);
        assertThat(f.post(response, null).status()).isEqualTo(403);
        assertThat(f.lastSignIn().get("reason").asText()).isEqualTo("replayed");
    }

    @Test
    void during_a_rollover_both_configured_certificates_sign_in() {
        var f = new SamlFixture(app, "rollover");
        f.provision("di@example.com");
        f.addCertificate(SamlIdp.Key.load("next"));
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"), f.values("di@example.com", null)));
        SamlIdp.sign(SamlIdp.assertion(doc), SamlIdp.Signing.with(SamlIdp.Key.load("next")));
        Http.Response acs = f.post(SamlIdp.base64(SamlIdp.serialize(doc)), null);
        assertThat(acs.status()).as(acs.toString()).isEqualTo(303);
        assertThat(f.post(f.signedResponse("di@example.com", null), null).status()).isEqualTo(303);
    }

    @Test
    void sha1_is_refused_unless_the_organization_allows_it() {
        var f = new SamlFixture(app, "sha1");
        f.provision("eve@example.com");
        var sha1 = new SamlIdp.Signing(SamlIdp.Key.load("idp"), SamlIdp.RSA_SHA1, SamlIdp.SHA1, true);
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"), f.values("eve@example.com", null)));
        SamlIdp.sign(SamlIdp.assertion(doc), sha1);
        String response = SamlIdp.base64(SamlIdp.serialize(doc));
        assertThat(f.post(response, null).status()).isEqualTo(403);
        assertThat(f.lastSignIn().get("reason").asText()).isEqualTo("weak_algorithm");
        f.patch("{\"allowSha1\": true}");
        Http.Response allowed = f.post(response, null);
        assertThat(allowed.status()).as(allowed + " " + f.lastSignIn()).isEqualTo(303);
    }

    @Test
    void a_signed_Response_around_an_unsigned_Assertion_signs_in() {
        var f = new SamlFixture(app, "response-signed");
        f.provision("fay@example.com");
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"), f.values("fay@example.com", null)));
        SamlIdp.sign(doc.getDocumentElement(), SamlIdp.Signing.with(SamlIdp.Key.load("idp")));
        Http.Response acs = f.post(SamlIdp.base64(SamlIdp.serialize(doc)), null);
        assertThat(acs.status()).as(acs + " " + f.lastSignIn()).isEqualTo(303);
    }

    @Test
    void sign_in_is_refused_while_SAML_is_turned_off() {
        var f = new SamlFixture(app, "turned-off");
        f.provision("gus@example.com");
        f.patch("{\"enabled\": false}");
        assertThat(f.post(f.signedResponse("gus@example.com", null), null).status()).isEqualTo(403);
        assertThat(f.lastSignIn().get("reason").asText()).isEqualTo("disabled");
        assertThat(app.http().send("GET", "/sso/" + f.org.id() + "/login", (String) null, Map.of()).status()).isEqualTo(409);
    }
}
