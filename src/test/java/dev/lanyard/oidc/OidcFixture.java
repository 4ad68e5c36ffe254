package dev.lanyard.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An organization with SAML sign-in set up for the in-test {@link SamlIdp} (through the operator
 * API, as an operator would), its members provisioned over SCIM, and a browser that follows one
 * hop at a time: members sign in through the real ACS, never through a back door.
 */
final class OidcFixture {
    static final String REDIRECT = "https://app.example/callback";
    final TestApp app;
    final TestApp.Org org;
    final String acsUrl;
    final String entityId;

    OidcFixture(TestApp app, String name) {
        this.app = app;
        this.org = app.newOrg(name);
        JsonNode sp = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), (String) null).expect(200).json().get("sp");
        this.acsUrl = sp.get("acsUrl").asText();
        this.entityId = sp.get("entityId").asText();
        var pem = JsonNodeFactory.instance.objectNode().put("pem", SamlIdp.Key.load("idp").pem());
        app.http().send("POST", "/admin/api/orgs/" + org.id() + "/saml/certificates", app.operatorToken(), pem.toString()).expect(201);
        var change = JsonNodeFactory.instance.objectNode().put("idpEntityId", SamlIdp.ISSUER).put("ssoUrl", "http://idp.test/sso").put("enabled", true);
        app.http().send("PATCH", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), change.toString()).expect(200);
    }

    /** A member the IdP provisioned over SCIM; returns the SCIM id. */
    String provision(String email, String displayName) {
        String body = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + email + "\",\"displayName\":\""
                + displayName + "\",\"name\":{\"givenName\":\"Ann\",\"familyName\":\"Lee\"},\"active\":true}";
        return app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users", body).expect(201).json().get("id").asText();
    }

    void setActive(String scimId, boolean active) {
        app.scim(org, "Okta SCIM Client 1.0.0", "PATCH", "/Users/" + scimId,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":" + active + "}}]}")
                .expect(200);
    }

    String accountId(String email) {
        JsonNode accounts = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/accounts", app.operatorToken(), (String) null).expect(200).json();
        for (JsonNode a : accounts.get("accounts")) if (a.get("email").asText().equalsIgnoreCase(email)) return a.get("id").asText();
        throw new IllegalStateException("no account " + email + " in " + accounts);
    }

    /** The IdP's signed Response for {@code email}, answering {@code inResponseTo} (null: IdP-initiated). */
    String signedResponse(String email, String inResponseTo) {
        var doc = SamlIdp.parse(SamlIdp.fill(SamlIdp.resource("saml/response.xml"), SamlIdp.values(acsUrl, entityId, email, inResponseTo)));
        SamlIdp.sign(SamlIdp.assertion(doc), SamlIdp.Signing.with(SamlIdp.Key.load("idp")));
        return SamlIdp.base64(SamlIdp.serialize(doc));
    }

    /** An IdP-initiated sign-in through the real ACS: the member session cookie ("lanyard_member=..."). */
    String memberCookie(String email) {
        String form = "SAMLResponse=" + URLEncoder.encode(signedResponse(email, null), StandardCharsets.UTF_8);
        Http.Response acs = app.http().send("POST", "/sso/" + org.id() + "/acs", form, Map.of("Content-Type", "application/x-www-form-urlencoded"));
        if (acs.status() != 303) throw new IllegalStateException("sign-in failed: " + acs);
        return cookie(acs, "lanyard_member");
    }

    /** Registers an app through the operator API; the answer holds clientId and clientSecret. */
    JsonNode registerApp(String json) {
        return app.http().send("POST", "/admin/api/apps", app.operatorToken(), json).expect(201).json();
    }

    JsonNode confidentialApp() {
        return registerApp("{\"name\":\"Acme CRM\",\"redirectUris\":[\"" + REDIRECT + "\"]}");
    }

    Http.Response get(String pathAndQuery, String cookies) {
        return app.http().send("GET", pathAndQuery, (String) null, cookies == null ? Map.of() : Map.of("Cookie", cookies));
    }

    /** The query of a redirect's Location. */
    static Map<String, String> query(String location) {
        String q = URI.create(location).getRawQuery();
        if (q == null) return Map.of();
        return Arrays.stream(q.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0],
                p -> p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> a, LinkedHashMap::new));
    }

    static String cookie(Http.Response r, String name) {
        for (String set : r.headers().getOrDefault("set-cookie", java.util.List.of())) {
            if (set.startsWith(name + "=")) return set.substring(0, set.indexOf(';'));
        }
        throw new IllegalStateException("no " + name + " cookie in " + r);
    }

    static HTTPResponse send(HTTPRequest request) {
        try {
            return request.send();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
