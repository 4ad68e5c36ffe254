package dev.lanyard.testing;

import com.sun.net.httpserver.HttpServer;
import dev.lanyard.testing.KeycloakAdmin.SamlSp;
import dev.lanyard.testing.KeycloakAdmin.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the Keycloak harness works on this machine, before any SAML or OIDC test relies on it:
 * Keycloak starts, its admin API makes a realm, a user and a SAML client, the realm's metadata
 * carries its signing certificate, and headless Chromium signs the user in, both to Keycloak's
 * account console and IdP-initiated to a service provider's ACS (a tiny HTTP server here), which
 * receives a response signed with that certificate and naming the user by email, also when the
 * client was made from the SP's metadata ({@link KeycloakSamlIdp}); and a realm that signs people in
 * through an OpenID Connect identity provider (another realm here, Lanyard in issue 13's tests).
 */
@UsesKeycloak
class KeycloakHarnessIT {
    private static final String REALM = "harness";
    private static final String SP_ENTITY_ID = "https://sp.example.com/harness";
    private static final String IDP_INITIATED_NAME = "lanyard-harness";
    private static final User ADA = User.of("ada@example.com", "Ada", "Lovelace", "correct horse battery staple");
    private static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    private static final String SAML_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    private static final String METADATA_ENTITY_ID = "https://sp.example.com/from-metadata";
    /** A service provider's metadata as Lanyard publishes it: POST ACS, email NameID, unsigned requests. */
    private static final String SP_METADATA = """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
              <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true"
                  protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
                <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
                    Location="{acs}" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>
            """.formatted(METADATA_ENTITY_ID);

    static Chromium chromium;
    static Keycloak keycloak;
    static KeycloakAdmin admin;
    static HttpServer acs;
    static final BlockingQueue<String> posted = new LinkedBlockingQueue<>();

    /** The browser first: when it is missing, the class fails at once, before Keycloak starts. */
    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.start();
        keycloak = Keycloak.shared();
        admin = keycloak.admin();
        System.out.println("Keycloak ready after " + keycloak.startup().toMillis() + " ms (first use in this JVM)");
        acs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        acs.createContext("/acs", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.startsWith("SAMLResponse=")) {
                    posted.add(URLDecoder.decode(pair.substring("SAMLResponse=".length()), StandardCharsets.UTF_8));
                }
            }
            byte[] answer = "received".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        acs.createContext("/metadata", exchange -> {
            byte[] metadata = SP_METADATA.replace("{acs}", acsUrl()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/samlmetadata+xml");
            exchange.sendResponseHeaders(200, metadata.length);
            exchange.getResponseBody().write(metadata);
            exchange.close();
        });
        acs.start();
        admin.createRealm(REALM);
        admin.createUser(REALM, ADA);
        admin.createSamlClient(REALM, SamlSp.of(SP_ENTITY_ID, acsUrl(), IDP_INITIATED_NAME));
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) chromium.close();
        } finally {
            if (acs != null) acs.stop(0);
        }
    }

    @BeforeEach
    void signedOut() {
        chromium.clearCookies();
        posted.clear();
    }

    @Test
    void the_realm_publishes_saml_idp_metadata_with_its_signing_certificate() throws Exception {
        Document metadata = parse(admin.samlIdpMetadata(REALM));
        Element descriptor = metadata.getDocumentElement();
        assertThat(descriptor.getLocalName()).isEqualTo("EntityDescriptor");
        assertThat(descriptor.getAttribute("entityID")).isEqualTo(admin.samlIdpEntityId(REALM));
        List<String> certificates = texts(metadata, XMLSignature.XMLNS, "X509Certificate");
        assertThat(certificates).contains(admin.signingCertificate(REALM));
        NodeList sso = metadata.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:metadata", "SingleSignOnService");
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < sso.getLength(); i++) locations.add(((Element) sso.item(i)).getAttribute("Location"));
        assertThat(locations).contains(admin.samlSsoUrl(REALM));
    }

    @Test
    void a_user_signs_in_to_the_account_console_in_chromium() {
        chromium.driver().get(admin.accountConsoleUrl(REALM));
        Keycloak.signIn(chromium, ADA.username(), ADA.password());
        // The account console is a script-driven page: it shows the signed-in person's name once loaded.
        chromium.waitUntil(Keycloak.PAGE_PATIENCE,
                d -> d.findElement(By.tagName("body")).getText().contains("Ada Lovelace"));
        assertThat(chromium.driver().getCurrentUrl()).startsWith(admin.accountConsoleUrl(REALM));
        chromium.screenshot("keycloak-account-console");
    }

    @Test
    void idp_initiated_sign_in_posts_a_signed_response_naming_the_user_by_email_to_the_acs() throws Exception {
        chromium.driver().get(admin.idpInitiatedUrl(REALM, IDP_INITIATED_NAME));
        Keycloak.signIn(chromium, ADA.username(), ADA.password());
        assertSignedResponseFor(REALM, SP_ENTITY_ID, ADA.email());
    }

    @Test
    void a_realm_made_from_the_sp_metadata_signs_the_user_in_idp_and_sp_initiated() throws Exception {
        User bob = User.of("bob@example.com", "Bob", "Moore", "another correct horse");
        KeycloakSamlIdp idp = KeycloakSamlIdp.forSpMetadata(keycloak, "from-metadata", spMetadataUrl(), bob);
        assertThat(idp.spEntityId()).isEqualTo(METADATA_ENTITY_ID);
        assertThat(idp.metadataXml()).contains(idp.signingCertificate(), idp.ssoUrl());

        chromium.driver().get(idp.idpInitiatedUrl());
        Keycloak.signIn(chromium, bob.username(), bob.password());
        assertSignedResponseFor("from-metadata", METADATA_ENTITY_ID, bob.email());

        // SP-initiated too: an unsigned AuthnRequest by HTTP-Redirect; Bob's Keycloak session answers it at once.
        String requestId = "_" + java.util.UUID.randomUUID();
        chromium.driver().get(idp.ssoUrl() + "?SAMLRequest=" + java.net.URLEncoder.encode(
                authnRequest(requestId, idp.ssoUrl(), METADATA_ENTITY_ID), StandardCharsets.UTF_8));
        Document answer = assertSignedResponseFor("from-metadata", METADATA_ENTITY_ID, bob.email());
        assertThat(answer.getDocumentElement().getAttribute("InResponseTo")).isEqualTo(requestId);
    }

    /** An AuthnRequest as an SP sends it by HTTP-Redirect: deflated, base64 (SAML bindings section 3.4.4.1). */
    private static String authnRequest(String id, String destination, String issuer) {
        String xml = """
                <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" IssueInstant="%s" \
                Destination="%s" AssertionConsumerServiceURL="%s" \
                ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>%s</saml:Issuer>\
                <samlp:NameIDPolicy Format="%s"/></samlp:AuthnRequest>""".formatted(id, java.time.Instant.now(),
                destination, acsUrl(), issuer, EMAIL_FORMAT);
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        byte[] buffer = new byte[8192];
        int length = deflater.deflate(buffer);
        deflater.end();
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer, length));
    }

    /**
     * The broker half of issue 13's flow, with a second realm playing the OpenID provider that
     * Lanyard will be: the identity provider is set up from its discovery document, and a person
     * reaches the account console of one realm by signing in at the other.
     */
    @Test
    void a_user_signs_in_to_the_account_console_through_an_oidc_identity_provider() {
        User carol = User.of("carol@example.com", "Carol", "Shaw", "yet another horse");
        admin.createRealm("oidc-provider");
        admin.createUser("oidc-provider", carol);
        admin.createOidcClient("oidc-provider", "app-broker", "broker-secret", admin.brokerRedirectUri("oidc-app", "provider"));
        admin.createRealm("oidc-app");
        admin.createOidcIdentityProviderFromDiscovery("oidc-app", "provider",
                keycloak.baseUrl() + "/realms/oidc-provider/.well-known/openid-configuration", "app-broker", "broker-secret");

        chromium.driver().get(admin.accountConsoleUrl("oidc-app"));
        Keycloak.chooseIdentityProvider(chromium, "provider");
        Keycloak.signIn(chromium, carol.username(), carol.password());
        chromium.waitUntil(Keycloak.PAGE_PATIENCE,
                d -> d.findElement(By.tagName("body")).getText().contains("Carol Shaw"));
        assertThat(chromium.driver().getCurrentUrl()).startsWith(admin.accountConsoleUrl("oidc-app"));
        // Keycloak made the person its own on the first brokered sign-in, from the ID token's claims.
        assertThat(admin.findUsers("oidc-app", carol.username())).singleElement()
                .satisfies(u -> assertThat(u.get("email").asText()).isEqualTo(carol.email()));
    }

    /**
     * The ACS received a response from {@code realm}'s IdP for {@code audience} naming {@code email}
     * (email NameID format), and both the response and the assertion are signed (RSA-SHA256) so that
     * the certificate from the realm's metadata verifies them.
     */
    private static Document assertSignedResponseFor(String realm, String audience, String email) throws Exception {
        String encoded = posted.poll(Keycloak.PAGE_PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(encoded).as("a SAMLResponse posted to the ACS").isNotNull();
        Document response = parse(new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8));

        Element root = response.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("Response");
        assertThat(root.getAttribute("Destination")).isEqualTo(acsUrl());
        assertThat(texts(response, SAML_ASSERTION, "Issuer")).contains(admin.samlIdpEntityId(realm));
        Element nameId = (Element) response.getElementsByTagNameNS(SAML_ASSERTION, "NameID").item(0);
        assertThat(nameId.getAttribute("Format")).isEqualTo(EMAIL_FORMAT);
        assertThat(nameId.getTextContent()).isEqualTo(email);
        assertThat(texts(response, SAML_ASSERTION, "Audience")).containsExactly(audience);

        NodeList signatures = response.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        assertThat(signatures.getLength()).isEqualTo(2);
        PublicKey key = certificate(admin.signingCertificate(realm)).getPublicKey();
        markIds(response, "urn:oasis:names:tc:SAML:2.0:protocol", "Response");
        markIds(response, SAML_ASSERTION, "Assertion");
        for (int i = 0; i < signatures.getLength(); i++) {
            DOMValidateContext context = new DOMValidateContext(key, signatures.item(i));
            context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
            XMLSignature signature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context);
            assertThat(signature.getSignedInfo().getSignatureMethod().getAlgorithm())
                    .isEqualTo("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
            assertThat(signature.validate(context)).as("signature %d verifies with the metadata's certificate", i)
                    .isTrue();
        }
        chromium.waitUntil(Keycloak.PAGE_PATIENCE, d -> "received".equals(d.findElement(By.tagName("body")).getText()));
        return response;
    }

    private static String spMetadataUrl() {
        return "http://127.0.0.1:" + acs.getAddress().getPort() + "/metadata";
    }

    private static String acsUrl() {
        return "http://127.0.0.1:" + acs.getAddress().getPort() + "/acs";
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(Document doc, String namespace, String localName) {
        NodeList nodes = doc.getElementsByTagNameNS(namespace, localName);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) texts.add(nodes.item(i).getTextContent().replaceAll("\\s", ""));
        return texts;
    }

    /** SAML's ID attributes are plain attributes to a parser without a schema: say they are IDs. */
    private static void markIds(Document doc, String namespace, String localName) {
        NodeList nodes = doc.getElementsByTagNameNS(namespace, localName);
        for (int i = 0; i < nodes.getLength(); i++) ((Element) nodes.item(i)).setIdAttributeNS(null, "ID", true);
    }

    private static X509Certificate certificate(String base64Der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64Der)));
    }
}
