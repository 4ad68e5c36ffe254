package dev.lanyard.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.testing.Chromium;
import dev.lanyard.testing.Keycloak;
import dev.lanyard.testing.KeycloakAdmin;
import dev.lanyard.testing.KeycloakAdmin.User;
import dev.lanyard.testing.KeycloakSamlIdp;
import dev.lanyard.testing.TestApp;
import dev.lanyard.testing.UsesKeycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole bridge with real parts, in headless Chromium: Keycloak's realm "crm" is an app that
 * registered with Lanyard and has Lanyard as its "OpenID Connect v1.0" identity provider (set up
 * from Lanyard's discovery document); Keycloak's realm "globex-sso" is the organization's SAML
 * IdP. A member opens the app's account console, chooses Lanyard, names the organization on
 * Lanyard's picker, signs in at the organization's IdP and lands in the app signed in:
 * app → Lanyard → org IdP → Lanyard → app. Then the IdP deactivates the account over SCIM and
 * the app's next attempt through Lanyard gets no code.
 */
@UsesKeycloak
class KeycloakOidcIT {
    static final String APP_REALM = "crm";
    static final String ALIAS = "lanyard";
    static final User DANA = User.of("dana@globex.test", "Dana", "Scully", "trust no one, twice");
    static Chromium chromium;
    static TestApp app;
    static TestApp.Org org;
    static KeycloakSamlIdp idp;
    static KeycloakAdmin admin;
    static String danaScimId;

    @BeforeAll
    static void start() {
        chromium = Chromium.start();
        app = TestApp.start();
        Keycloak keycloak = Keycloak.shared();
        admin = keycloak.admin();
        org = app.newOrg("globex");

        // The organization's SAML IdP, as in docs/saml: Keycloak from Lanyard's SP metadata, Lanyard from Keycloak's.
        String metadataUrl = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), (String) null)
                .expect(200).json().get("sp").get("metadataUrl").asText();
        idp = KeycloakSamlIdp.forSpMetadata(keycloak, "globex-sso", metadataUrl, DANA);
        String client = "/admin/realms/" + idp.realm() + "/clients/" + idp.clientId();
        ObjectNode rep = (ObjectNode) idp.admin().send("GET", client, null).expect(200).json();
        ((ObjectNode) rep.get("attributes")).put("saml.client.signature", "false");
        idp.admin().send("PUT", client, rep).expect(204);
        var metadata = JsonNodeFactory.instance.objectNode().put("xml", idp.metadataXml());
        app.http().send("POST", "/admin/api/orgs/" + org.id() + "/saml/metadata", app.operatorToken(), metadata.toString()).expect(200);
        app.http().send("PATCH", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), "{\"enabled\": true}").expect(200);
        danaScimId = app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users",
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"dana@globex.test\","
                        + "\"name\":{\"givenName\":\"Dana\",\"familyName\":\"Scully\"},\"active\":true}")
                .expect(201).json().get("id").asText();

        // The app: registered with Lanyard by the operator, then Lanyard added to it from the discovery document.
        JsonNode registered = app.http().send("POST", "/admin/api/apps", app.operatorToken(),
                "{\"name\":\"Globex CRM\",\"redirectUris\":[\"" + admin.brokerRedirectUri(APP_REALM, ALIAS) + "\"]}").expect(201).json();
        admin.createRealm(APP_REALM);
        admin.createOidcIdentityProviderFromDiscovery(APP_REALM, ALIAS, app.baseUrl() + "/.well-known/openid-configuration",
                registered.get("clientId").asText(), registered.get("clientSecret").asText());
    }

    /** A step that, when it fails, says where the browser was and what it showed. */
    static void step(String name, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | AssertionError e) {
            chromium.screenshot("oidc-failed");
            String url = chromium.driver().getCurrentUrl();
            String body = chromium.driver().findElement(By.tagName("body")).getText();
            throw new AssertionError(name + " failed at " + url + ", page:\n" + body.substring(0, Math.min(body.length(), 2000)), e);
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) chromium.close();
        } finally {
            if (app != null) app.close();
        }
    }

    @Test
    void a_member_signs_in_to_the_app_through_lanyard_and_the_organizations_idp_and_deactivation_stops_the_next_sign_in() {
        chromium.clearCookies();
        chromium.driver().get(admin.accountConsoleUrl(APP_REALM));
        Keycloak.chooseIdentityProvider(chromium, ALIAS);

        // Lanyard's organization picker: Keycloak sends no organization.
        chromium.waitUntil(Keycloak.PAGE_PATIENCE, d -> d.getCurrentUrl().startsWith(app.baseUrl() + "/oauth2/authorize"));
        chromium.visible(By.id("organization")).sendKeys("globex");
        chromium.screenshot("oidc-organization-picker");
        chromium.driver().findElement(By.cssSelector("button[type=submit]")).click();

        step("sign in at the organization's IdP", () -> Keycloak.signIn(chromium, DANA.username(), DANA.password()));
        step("back in the app", () -> chromium.waitUntil(Keycloak.PAGE_PATIENCE,
                d -> d.findElement(By.tagName("body")).getText().contains("Dana Scully")));
        assertThat(chromium.driver().getCurrentUrl()).startsWith(admin.accountConsoleUrl(APP_REALM));
        chromium.screenshot("oidc-keycloak-account-console");
        // Keycloak made Dana its own user from Lanyard's ID token: the email, and Lanyard's stable subject as the link.
        JsonNode user = admin.findUsers(APP_REALM, "dana@globex.test").getFirst();
        assertThat(user.get("email").asText()).isEqualTo("dana@globex.test");
        JsonNode links = admin.send("GET", "/admin/realms/" + APP_REALM + "/users/" + user.get("id").asText() + "/federated-identity", null)
                .expect(200).json();
        String accountId = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/accounts", app.operatorToken(), (String) null)
                .expect(200).json().get("accounts").get(0).get("id").asText();
        assertThat(links.get(0).get("userId").asText()).isEqualTo(accountId);

        // The IdP deactivates Dana: Lanyard's member session ends, and signing in to the app again gets no code.
        app.scim(org, "Okta SCIM Client 1.0.0", "PATCH", "/Users/" + danaScimId,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}")
                .expect(200);
        chromium.clearCookies();
        chromium.driver().get(admin.accountConsoleUrl(APP_REALM));
        Keycloak.chooseIdentityProvider(chromium, ALIAS);
        chromium.waitUntil(Keycloak.PAGE_PATIENCE, d -> d.getCurrentUrl().startsWith(app.baseUrl() + "/oauth2/authorize"));
        chromium.visible(By.id("organization")).sendKeys("globex");
        chromium.driver().findElement(By.cssSelector("button[type=submit]")).click();
        Keycloak.signIn(chromium, DANA.username(), DANA.password());
        chromium.waitForText(By.tagName("h1"), "Your account may not sign in");
        assertThat(chromium.driver().getCurrentUrl()).startsWith(app.baseUrl());
        assertThat(app.count("select count(*) from oidc_codes c join oidc_grants g on g.id = c.grant_id where g.org_id = ?::uuid", org.id()))
                .isEqualTo(1);
    }
}
