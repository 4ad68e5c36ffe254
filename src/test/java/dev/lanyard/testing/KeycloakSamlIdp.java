package dev.lanyard.testing;

import dev.lanyard.testing.KeycloakAdmin.User;

import java.util.List;
import java.util.Map;

/**
 * One Keycloak realm set up as an organization's SAML identity provider for a service provider
 * (Lanyard's organization), the way an organization's admin would: create the realm and the people,
 * then "Import client" with the SP's metadata. What Lanyard's SAML settings need back is here too:
 * the IdP's metadata XML (or its entity ID, SSO URL and signing certificate), and the URL a person
 * opens for an IdP-initiated sign-in (Okta's app tile).
 *
 * <pre>{@code
 * KeycloakSamlIdp idp = KeycloakSamlIdp.forSpMetadata(Keycloak.shared(), "acme",
 *         lanyard.baseUrl() + "/sso/" + orgId + "/metadata", User.of("ada@acme.test", "Ada", "Lovelace", "pw..."));
 * // give idp.metadataXml() to Lanyard's SAML settings, then in Chromium:
 * browser.get(idp.idpInitiatedUrl());  Keycloak.signIn(chromium, "ada@acme.test", "pw...");
 * }</pre>
 *
 * @param clientId Keycloak's id of the SAML client (for {@link KeycloakAdmin#send} changes)
 * @param spEntityId the SP's entity ID, as its metadata said (the Audience of Keycloak's assertions)
 * @param userIds Keycloak's user id per username, for the people created with the realm
 */
public record KeycloakSamlIdp(KeycloakAdmin admin, String realm, String clientId, String spEntityId,
                              String idpInitiatedName, Map<String, String> userIds) {
    /** The IdP-initiated URL name every realm made here uses; realms keep such names apart. */
    public static final String IDP_INITIATED_NAME = "lanyard";

    /**
     * Makes realm {@code realm} with {@code users} and a SAML client imported from the metadata that
     * {@code spMetadataUrl} serves (fetched here, by the test, as an admin would download it), with
     * the NameID set to the user's email and an IdP-initiated sign-in URL. Keycloak signs both the
     * response and the assertion (RSA-SHA256), its defaults, and requires signed AuthnRequests only
     * when the SP's metadata says it signs them.
     */
    public static KeycloakSamlIdp forSpMetadata(Keycloak keycloak, String realm, String spMetadataUrl, User... users) {
        KeycloakAdmin admin = keycloak.admin();
        Http.Response metadata = new Http(spMetadataUrl).send("GET", spMetadataUrl, null, Map.of());
        if (metadata.status() != 200) throw new AssertionError("SP metadata at " + spMetadataUrl + ": " + metadata);
        admin.createRealm(realm);
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        for (User user : users) ids.put(user.username(), admin.createUser(realm, user));
        String clientId = admin.createSamlClientFromMetadata(realm, metadata.body(), IDP_INITIATED_NAME);
        String spEntityId = admin.send("GET", "/admin/realms/" + realm + "/clients/" + clientId, null).expect(200)
                .json().get("clientId").asText();
        return new KeycloakSamlIdp(admin, realm, clientId, spEntityId, IDP_INITIATED_NAME, Map.copyOf(ids));
    }

    /** The IdP metadata XML to give Lanyard (entity ID, SSO URLs, signing certificate). */
    public String metadataXml() {
        return admin.samlIdpMetadata(realm);
    }

    public String metadataUrl() {
        return admin.samlDescriptorUrl(realm);
    }

    public String entityId() {
        return admin.samlIdpEntityId(realm);
    }

    public String ssoUrl() {
        return admin.samlSsoUrl(realm);
    }

    /** The realm's signing certificate, base64 DER. */
    public String signingCertificate() {
        return admin.signingCertificate(realm);
    }

    /** Opening it in a browser starts an IdP-initiated sign-in to the SP (after Keycloak's sign-in form). */
    public String idpInitiatedUrl() {
        return admin.idpInitiatedUrl(realm, idpInitiatedName);
    }

    /** Adds a person to the IdP; returns Keycloak's user id. */
    public String addUser(User user) {
        return admin.createUser(realm, user);
    }

    /** Keycloak's user id of a person created with the realm. */
    public String userId(String username) {
        String id = userIds.get(username);
        if (id == null) throw new IllegalArgumentException(username + " is not one of " + List.copyOf(userIds.keySet()));
        return id;
    }
}
