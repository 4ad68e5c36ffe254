package dev.lanyard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Keycloak's admin REST API over plain HTTP, the few calls the tests need to set up an identity
 * provider or a relying party: realms, users, SAML clients, OpenID Connect identity providers, and
 * the realm's SAML metadata. Reference: https://www.keycloak.org/docs-api/latest/rest-api/index.html
 *
 * <p>Signed in as the master realm's bootstrap admin through the {@code admin-cli} client (password
 * grant); its token lives 60 s, so one is fetched again shortly before it runs out. Every call that
 * does not get the status it expects fails with Keycloak's answer in the message.
 */
public final class KeycloakAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(15);

    private final String baseUrl;
    private final String username;
    private final String password;
    private final Http http;
    private String token;
    private Instant tokenExpires = Instant.MIN;

    KeycloakAdmin(String baseUrl, String username, String password) {
        this.baseUrl = baseUrl;
        this.username = username;
        this.password = password;
        this.http = new Http(baseUrl);
    }

    /** A new, enabled realm named {@code realm} (letters, digits, dashes: it is a URL path segment). */
    public void createRealm(String realm) {
        ObjectNode rep = JSON.createObjectNode().put("realm", realm).put("enabled", true);
        send("POST", "/admin/realms", rep).expect(201);
    }

    /** A user who can sign in with {@code password} at once (no required actions); returns Keycloak's user id. */
    public String createUser(String realm, User user) {
        ObjectNode rep = JSON.createObjectNode().put("username", user.username()).put("email", user.email())
                .put("firstName", user.firstName()).put("lastName", user.lastName())
                .put("emailVerified", user.emailVerified()).put("enabled", true);
        rep.putArray("credentials").addObject().put("type", "password").put("value", user.password())
                .put("temporary", false);
        Http.Response created = send("POST", "/admin/realms/" + realm + "/users", rep).expect(201);
        return lastSegment(created.header("Location"));
    }

    /** Turns a user off (or on) in Keycloak: its next sign-in at Keycloak is refused. */
    public void setUserEnabled(String realm, String userId, boolean enabled) {
        send("PUT", "/admin/realms/" + realm + "/users/" + userId, JSON.createObjectNode().put("enabled", enabled))
                .expect(204);
    }

    /**
     * A SAML client for a service provider, as an organization's admin would set Lanyard up in
     * Keycloak (its "Clients > Create client > SAML" screen): responses by HTTP-POST to the SP's
     * ACS, NameID = the user's email, the document and the assertion signed with RSA-SHA256, and
     * an IdP-initiated sign-in URL (the equivalent of an Okta app tile), see {@link SamlSp}.
     * Returns Keycloak's id of the client.
     */
    public String createSamlClient(String realm, SamlSp sp) {
        ObjectNode rep = JSON.createObjectNode().put("clientId", sp.entityId()).put("protocol", "saml")
                .put("enabled", true).put("frontchannelLogout", true);
        rep.putArray("redirectUris").add(sp.acsUrl());
        ObjectNode a = rep.putObject("attributes");
        a.put("saml_assertion_consumer_url_post", sp.acsUrl());
        a.put("saml_name_id_format", "email");
        a.put("saml_force_name_id_format", "true");
        a.put("saml.server.signature", String.valueOf(sp.signDocument()));
        a.put("saml.assertion.signature", String.valueOf(sp.signAssertion()));
        a.put("saml.signature.algorithm", sp.signatureAlgorithm());
        a.put("saml_signature_canonicalization_method", "http://www.w3.org/2001/10/xml-exc-c14n#");
        a.put("saml.authnstatement", "true");
        a.put("saml.force.post.binding", "true");
        a.put("saml.encrypt", "false");
        a.put("saml_idp_initiated_sso_url_name", sp.idpInitiatedName());
        sp.idpInitiatedRelayState().ifPresent(state -> a.put("saml_idp_initiated_sso_relay_state", state));
        // Keycloak would otherwise require a signed AuthnRequest and the SP's certificate to check it.
        sp.requestSigningCertificate().ifPresentOrElse(cert -> {
            a.put("saml.client.signature", "true");
            a.put("saml.signing.certificate", cert);
        }, () -> a.put("saml.client.signature", "false"));
        Http.Response created = send("POST", "/admin/realms/" + realm + "/clients", rep).expect(201);
        return lastSegment(created.header("Location"));
    }

    /**
     * A SAML client made from the service provider's own metadata XML, as Keycloak's "Import client"
     * does (its client-description converter: entity ID, ACS URLs as redirect URIs, signing and
     * encryption certificates), with the email NameID and the IdP-initiated URL name added; signed
     * AuthnRequests are required only when the metadata has a signing certificate. Returns Keycloak's
     * id of the client.
     */
    public String createSamlClientFromMetadata(String realm, String spMetadataXml, String idpInitiatedName) {
        Http.Response converted = http.send("POST", "/admin/realms/" + realm + "/client-description-converter",
                spMetadataXml, Map.of("Authorization", "Bearer " + token(), "Content-Type", "application/xml"))
                .expect(200);
        ObjectNode rep = (ObjectNode) converted.json();
        ObjectNode a = rep.has("attributes") ? (ObjectNode) rep.get("attributes") : rep.putObject("attributes");
        a.put("saml_name_id_format", "email");
        a.put("saml_force_name_id_format", "true");
        a.put("saml_idp_initiated_sso_url_name", idpInitiatedName);
        // The converter sets this only when the metadata has a signing key; left out, Keycloak would
        // require signed AuthnRequests and make up a key pair the SP cannot have.
        if (!a.has("saml.client.signature")) a.put("saml.client.signature", "false");
        rep.put("enabled", true);
        Http.Response created = send("POST", "/admin/realms/" + realm + "/clients", rep).expect(201);
        return lastSegment(created.header("Location"));
    }

    /** The realm's SAML IdP metadata (EntityDescriptor with the SSO URLs and the signing certificate). */
    public String samlIdpMetadata(String realm) {
        return http.send("GET", samlDescriptorUrl(realm), null, Map.of()).expect(200).body();
    }

    public String samlDescriptorUrl(String realm) {
        return baseUrl + "/realms/" + realm + "/protocol/saml/descriptor";
    }

    /** The realm's IdP entity ID, as its metadata and its assertions' Issuer say. */
    public String samlIdpEntityId(String realm) {
        return baseUrl + "/realms/" + realm;
    }

    /** The realm's SAML SSO endpoint (HTTP-Redirect and HTTP-POST bindings). */
    public String samlSsoUrl(String realm) {
        return baseUrl + "/realms/" + realm + "/protocol/saml";
    }

    /** Where a person starts an IdP-initiated sign-in for the client named {@code idpInitiatedName}. */
    public String idpInitiatedUrl(String realm, String idpInitiatedName) {
        return baseUrl + "/realms/" + realm + "/protocol/saml/clients/" + idpInitiatedName;
    }

    /** The realm's active RS256 signing certificate, base64 DER (as in the metadata's X509Certificate). */
    public String signingCertificate(String realm) {
        JsonNode keys = send("GET", "/admin/realms/" + realm + "/keys", null).expect(200).json().get("keys");
        for (JsonNode key : keys) {
            if ("RS256".equals(key.path("algorithm").asText()) && "ACTIVE".equals(key.path("status").asText())
                    && "SIG".equals(key.path("use").asText()) && key.hasNonNull("certificate")) {
                return key.get("certificate").asText();
            }
        }
        throw new AssertionError("realm " + realm + " has no active RS256 signing certificate: " + keys);
    }

    /**
     * Adds an "OpenID Connect v1.0" identity provider to the realm (Keycloak's "Identity providers >
     * OpenID Connect v1.0" screen): the authorization code flow with PKCE S256, ID token signatures
     * checked against the provider's JWKS. People then see it as a button on the realm's sign-in page.
     * The provider must accept {@link #brokerRedirectUri} as the redirect URI.
     */
    public void createOidcIdentityProvider(String realm, OidcProvider provider) {
        ObjectNode rep = JSON.createObjectNode().put("alias", provider.alias()).put("displayName", provider.displayName())
                .put("providerId", "oidc").put("enabled", true).put("trustEmail", true)
                .put("firstBrokerLoginFlowAlias", "first broker login");
        ObjectNode c = rep.putObject("config");
        c.put("issuer", provider.issuer());
        c.put("authorizationUrl", provider.authorizationUrl());
        c.put("tokenUrl", provider.tokenUrl());
        c.put("jwksUrl", provider.jwksUrl());
        c.put("useJwksUrl", "true");
        c.put("validateSignature", "true");
        provider.userInfoUrl().ifPresent(url -> c.put("userInfoUrl", url));
        c.put("clientId", provider.clientId());
        c.put("clientSecret", provider.clientSecret());
        c.put("clientAuthMethod", provider.clientAuthMethod());
        c.put("pkceEnabled", "true");
        c.put("pkceMethod", "S256");
        c.put("defaultScope", "openid email profile");
        c.put("syncMode", "FORCE");
        provider.extraConfig().forEach(c::put);
        send("POST", "/admin/realms/" + realm + "/identity-provider/instances", rep).expect(201);
    }

    /**
     * Adds an OpenID Connect identity provider whose endpoints Keycloak reads from the provider's
     * discovery document ({@code /.well-known/openid-configuration}, OpenID Connect Discovery 1.0
     * section 4), as its "Discovery endpoint" field does; otherwise as {@link #createOidcIdentityProvider}.
     * Keycloak fetches the document itself, so the provider must be running.
     */
    public void createOidcIdentityProviderFromDiscovery(String realm, String alias, String discoveryUrl,
                                                        String clientId, String clientSecret) {
        ObjectNode ask = JSON.createObjectNode().put("providerId", "oidc").put("fromUrl", discoveryUrl);
        JsonNode found = send("POST", "/admin/realms/" + realm + "/identity-provider/import-config", ask).expect(200).json();
        createOidcIdentityProvider(realm, new OidcProvider(alias, alias, found.path("issuer").asText(),
                found.path("authorizationUrl").asText(), found.path("tokenUrl").asText(), found.path("jwksUrl").asText(),
                java.util.Optional.ofNullable(found.path("userInfoUrl").textValue()), clientId, clientSecret,
                "client_secret_basic", Map.of()));
    }

    /**
     * A confidential OpenID Connect client (authorization code flow) in the realm: for tests where
     * a Keycloak realm plays the OpenID provider. Returns Keycloak's id of the client.
     */
    public String createOidcClient(String realm, String clientId, String secret, String redirectUri) {
        ObjectNode rep = JSON.createObjectNode().put("clientId", clientId).put("protocol", "openid-connect")
                .put("enabled", true).put("publicClient", false).put("secret", secret)
                .put("standardFlowEnabled", true).put("directAccessGrantsEnabled", false);
        rep.putArray("redirectUris").add(redirectUri);
        Http.Response created = send("POST", "/admin/realms/" + realm + "/clients", rep).expect(201);
        return lastSegment(created.header("Location"));
    }

    /** Where Keycloak, as a relying party, wants the identity provider {@code alias} to send people back. */
    public String brokerRedirectUri(String realm, String alias) {
        return baseUrl + "/realms/" + realm + "/broker/" + alias + "/endpoint";
    }

    /** The realm's account console: signing in there is how a person reaches "their account" in Keycloak. */
    public String accountConsoleUrl(String realm) {
        return baseUrl + "/realms/" + realm + "/account/";
    }

    /** The users Keycloak knows in the realm by exact username (for brokered sign-ins: who was created). */
    public List<JsonNode> findUsers(String realm, String username) {
        JsonNode found = send("GET", "/admin/realms/" + realm + "/users?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8), null).expect(200).json();
        return toList((ArrayNode) found);
    }

    /** Any admin call, for what the helpers above do not cover: {@code path} under the base URL. */
    public Http.Response send(String method, String path, JsonNode body) {
        Map<String, String> headers = body == null ? Map.of("Authorization", "Bearer " + token())
                : Map.of("Authorization", "Bearer " + token(), "Content-Type", "application/json");
        return http.send(method, path, body == null ? null : body.toString(), headers);
    }

    private synchronized String token() {
        if (token == null || Instant.now().isAfter(tokenExpires.minus(TOKEN_MARGIN))) {
            String form = Map.of("grant_type", "password", "client_id", "admin-cli", "username", username,
                            "password", password).entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            Instant asked = Instant.now();
            JsonNode answer = http.send("POST", "/realms/master/protocol/openid-connect/token", form,
                    Map.of("Content-Type", "application/x-www-form-urlencoded")).expect(200).json();
            token = answer.get("access_token").asText();
            tokenExpires = asked.plusSeconds(answer.get("expires_in").asLong());
        }
        return token;
    }

    /** A Keycloak user: the profile Keycloak 26 requires (email, first and last name) and a password. */
    public record User(String username, String email, String firstName, String lastName, boolean emailVerified,
                       String password) {
        /** A user whose username is their email, verified, as an organization's directory would have them. */
        public static User of(String email, String firstName, String lastName, String password) {
            return new User(email, email, firstName, lastName, true, password);
        }
    }

    /**
     * A service provider as Keycloak's SAML client sees it. {@code idpInitiatedName} names the
     * IdP-initiated sign-in URL ({@link #idpInitiatedUrl}); {@code idpInitiatedRelayState}, when
     * given, is sent as RelayState with such responses. {@code requestSigningCertificate} (base64
     * DER), when given, makes Keycloak require AuthnRequests signed with its key.
     */
    public record SamlSp(String entityId, String acsUrl, String idpInitiatedName, boolean signDocument,
                         boolean signAssertion, String signatureAlgorithm,
                         java.util.Optional<String> idpInitiatedRelayState,
                         java.util.Optional<String> requestSigningCertificate) {
        /** Response and assertion both signed with RSA-SHA256, unsigned AuthnRequests accepted. */
        public static SamlSp of(String entityId, String acsUrl, String idpInitiatedName) {
            return new SamlSp(entityId, acsUrl, idpInitiatedName, true, true, "RSA_SHA256",
                    java.util.Optional.empty(), java.util.Optional.empty());
        }

        public SamlSp signing(boolean document, boolean assertion, String algorithm) {
            return new SamlSp(entityId, acsUrl, idpInitiatedName, document, assertion, algorithm,
                    idpInitiatedRelayState, requestSigningCertificate);
        }

        public SamlSp withRelayState(String relayState) {
            return new SamlSp(entityId, acsUrl, idpInitiatedName, signDocument, signAssertion, signatureAlgorithm,
                    java.util.Optional.of(relayState), requestSigningCertificate);
        }

        public SamlSp withSignedRequests(String certificate) {
            return new SamlSp(entityId, acsUrl, idpInitiatedName, signDocument, signAssertion, signatureAlgorithm,
                    idpInitiatedRelayState, java.util.Optional.of(certificate));
        }
    }

    /**
     * An OpenID provider as Keycloak's identity-provider broker sees it. {@code clientAuthMethod} is
     * Keycloak's name: {@code client_secret_basic} or {@code client_secret_post}. {@code extraConfig}
     * adds or overrides raw config keys (e.g. {@code "prompt" -> "login"}).
     */
    public record OidcProvider(String alias, String displayName, String issuer, String authorizationUrl,
                               String tokenUrl, String jwksUrl, java.util.Optional<String> userInfoUrl,
                               String clientId, String clientSecret, String clientAuthMethod,
                               Map<String, String> extraConfig) {
        /** client_secret_basic, no user-info endpoint (the ID token carries the claims), no extra config. */
        public static OidcProvider of(String alias, String issuer, String authorizationUrl, String tokenUrl,
                                      String jwksUrl, String clientId, String clientSecret) {
            return new OidcProvider(alias, alias, issuer, authorizationUrl, tokenUrl, jwksUrl, java.util.Optional.empty(),
                    clientId, clientSecret, "client_secret_basic", Map.of());
        }
    }

    private static List<JsonNode> toList(ArrayNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).toList();
    }

    private static String lastSegment(String location) {
        if (location == null) throw new AssertionError("Keycloak answered 201 without a Location header");
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
