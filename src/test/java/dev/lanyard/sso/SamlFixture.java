package dev.lanyard.sso;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An organization with SAML set up for {@link SamlIdp} through the operator API, and ways to post Responses. */
final class SamlFixture {
    final TestApp app;
    final TestApp.Org org;
    final String acsUrl;
    final String entityId;

    SamlFixture(TestApp app, String name) {
        this.app = app;
        this.org = app.newOrg(name);
        var sp = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), (String) null).expect(200).json().get("sp");
        this.acsUrl = sp.get("acsUrl").asText();
        this.entityId = sp.get("entityId").asText();
        addCertificate(SamlIdp.Key.load("idp"));
        var change = JsonNodeFactory.instance.objectNode().put("idpEntityId", SamlIdp.ISSUER)
                .put("ssoUrl", "http://idp.test/sso").put("enabled", true);
        app.http().send("PATCH", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), change.toString()).expect(200);
    }

    void addCertificate(SamlIdp.Key key) {
        var body = JsonNodeFactory.instance.objectNode().put("pem", key.pem());
        app.http().send("POST", "/admin/api/orgs/" + org.id() + "/saml/certificates", app.operatorToken(), body.toString()).expect(201);
    }

    void patch(String json) {
        app.http().send("PATCH", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), json).expect(200);
    }

    /** A user the IdP provisioned over SCIM. */
    String provision(String email) {
        String body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + email + "\",\"active\":true}";
        return app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", body).expect(201).json().get("id").asText();
    }

    void deactivate(String scimId) {
        app.scim(org, "Okta SCIM Client 1.0.0", "PATCH", "/Users/" + scimId,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}")
                .expect(200);
    }

    Map<String, String> values(String email, String inResponseTo) {
        return SamlIdp.values(acsUrl, entityId, email, inResponseTo);
    }

    /** The standard Response, its Assertion signed by the configured key. */
    String signedResponse(String email, String inResponseTo) {
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"), values(email, inResponseTo)));
        SamlIdp.sign(SamlIdp.assertion(doc), SamlIdp.Signing.with(SamlIdp.Key.load("idp")));
        return SamlIdp.base64(SamlIdp.serialize(doc));
    }

    /** POSTs to the ACS as a browser's auto-submitted form would. */
    Http.Response post(String samlResponse, String relayState) {
        String form = "SAMLResponse=" + URLEncoder.encode(samlResponse, StandardCharsets.UTF_8)
                + (relayState == null ? "" : "&RelayState=" + URLEncoder.encode(relayState, StandardCharsets.UTF_8));
        return app.http().send("POST", "/sso/" + org.id() + "/acs", form, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    /** The newest sign-in log entry: reason code, detail, hint. */
    com.fasterxml.jackson.databind.JsonNode lastSignIn() {
        return app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml/sign-ins?limit=1", app.operatorToken(), (String) null)
                .expect(200).json().get("signIns").get(0);
    }

    static String cookie(Http.Response r) {
        String setCookie = r.header("Set-Cookie");
        if (setCookie == null) return null;
        return setCookie.substring(0, setCookie.indexOf(';'));
    }
}
