package dev.lanyard.sso;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.testing.Chromium;
import dev.lanyard.testing.Keycloak;
import dev.lanyard.testing.KeycloakAdmin.User;
import dev.lanyard.testing.KeycloakSamlIdp;
import dev.lanyard.testing.TestApp;
import dev.lanyard.testing.UsesKeycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guide's prerequisite end to end: Keycloak is the organization's SAML IdP (set up from
 * Lanyard's SP metadata, as an admin would import it; Lanyard set up from Keycloak's IdP
 * metadata), and headless Chromium signs a provisioned member in, SP-initiated and
 * IdP-initiated, to /me. Then the IdP deactivates the account over SCIM and the very next request
 * of the open session is refused.
 */
@UsesKeycloak
class KeycloakSignInIT {
    static final User ADA = User.of("ada@acme.test", "Ada", "Lovelace", "correct horse battery staple");
    static final User BOB = User.of("bob@acme.test", "Bob", "Moore", "another correct horse");
    static Chromium chromium;
    static TestApp app;
    static TestApp.Org org;
    static KeycloakSamlIdp idp;
    static String adaScimId;

    @BeforeAll
    static void start() {
        chromium = Chromium.start();
        app = TestApp.start();
        org = app.newOrg("acme");
        String metadataUrl = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), (String) null)
                .expect(200).json().get("sp").get("metadataUrl").asText();
        idp = KeycloakSamlIdp.forSpMetadata(Keycloak.shared(), "acme-sso", metadataUrl, ADA, BOB);
        // Lanyard's metadata says AuthnRequestsSigned="false", but Keycloak's import leaves "Client
        // signature required" on; an admin switches it off (Clients > Keys), as here.
        String client = "/admin/realms/" + idp.realm() + "/clients/" + idp.clientId();
        var rep = (com.fasterxml.jackson.databind.node.ObjectNode) idp.admin().send("GET", client, null).expect(200).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) rep.get("attributes")).put("saml.client.signature", "false");
        idp.admin().send("PUT", client, rep).expect(204);
        var metadata = JsonNodeFactory.instance.objectNode().put("xml", idp.metadataXml());
        var imported = app.http().send("POST", "/admin/api/orgs/" + org.id() + "/saml/metadata", app.operatorToken(), metadata.toString())
                .expect(200).json();
        assertThat(imported.get("idpEntityId").asText()).isEqualTo(idp.entityId());
        app.http().send("PATCH", "/admin/api/orgs/" + org.id() + "/saml", app.operatorToken(), "{\"enabled\": true}").expect(200);
        adaScimId = app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users",
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"Ada@acme.test\",\"active\":true}")
                .expect(201).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) chromium.close();
        } finally {
            if (app != null) app.close();
        }
    }

    @BeforeEach
    void signedOut() {
        chromium.clearCookies();
    }

    @Test
    void a_member_signs_in_sp_initiated_then_idp_initiated_and_deactivation_ends_the_session() {
        chromium.driver().get(app.baseUrl() + "/sso/acme/login");
        Keycloak.signIn(chromium, ADA.username(), ADA.password());
        chromium.waitUntil(Keycloak.PAGE_PATIENCE, d -> d.getCurrentUrl().startsWith(app.baseUrl() + "/me"));
        assertThat(chromium.visible(By.id("me-email")).getText()).isEqualTo("Ada@acme.test");
        assertThat(chromium.visible(By.id("me-org")).getText()).isEqualTo("acme");
        chromium.screenshot("saml-sp-initiated-me");

        chromium.clearCookies();
        chromium.driver().get(idp.idpInitiatedUrl());
        Keycloak.signIn(chromium, ADA.username(), ADA.password());
        chromium.waitUntil(Keycloak.PAGE_PATIENCE, d -> d.getCurrentUrl().startsWith(app.baseUrl() + "/me"));
        assertThat(chromium.visible(By.id("me-status")).getText()).isEqualTo("active");
        var log = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml/sign-ins", app.operatorToken(), (String) null)
                .expect(200).json().get("signIns");
        assertThat(log.get(0).get("flow").asText()).isEqualTo("idp-initiated");
        assertThat(log.get(1).get("flow").asText()).isEqualTo("sp-initiated");

        app.scim(org, "Okta SCIM Client 1.0.0", "PATCH", "/Users/" + adaScimId,
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}")
                .expect(200);
        chromium.driver().navigate().refresh();
        chromium.waitForText(By.tagName("h1"), "Your session has ended");
        chromium.screenshot("saml-session-ended");
    }

    @Test
    void a_person_the_idp_knows_but_never_provisioned_sees_the_not_provisioned_page() {
        chromium.driver().get(app.baseUrl() + "/sso/" + org.id() + "/login");
        Keycloak.signIn(chromium, BOB.username(), BOB.password());
        chromium.waitForText(By.tagName("h1"), "Your account has not been provisioned yet");
        var entry = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/saml/sign-ins?limit=1", app.operatorToken(), (String) null)
                .expect(200).json().get("signIns").get(0);
        assertThat(entry.get("reason").asText()).isEqualTo("unknown_account");
        assertThat(entry.get("nameId").asText()).isEqualTo(BOB.email());
    }
}
