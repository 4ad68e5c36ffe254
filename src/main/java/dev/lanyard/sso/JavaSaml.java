package dev.lanyard.sso;

import com.onelogin.saml2.authn.AuthnRequest;
import com.onelogin.saml2.authn.AuthnRequestParams;
import com.onelogin.saml2.settings.Saml2Settings;
import com.onelogin.saml2.settings.SettingsBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place that turns an organization's settings into java-saml's {@link Saml2Settings}:
 * for the AuthnRequest, the SP metadata and {@link LibraryCheck}. Lanyard's AuthnRequests are not
 * signed (SAML profiles §4.1.3.3 leaves it optional; the IdP sends the Response only to the ACS
 * URL registered with it), so the SP has no key pair.
 */
final class JavaSaml {
    private JavaSaml() {}

    static Saml2Settings settings(SamlSettings s, SpValues sp, boolean wantAssertionsSigned) {
        Map<String, Object> values = new HashMap<>();
        values.put(SettingsBuilder.STRICT_PROPERTY_KEY, true);
        values.put(SettingsBuilder.SP_ENTITYID_PROPERTY_KEY, sp.entityId());
        values.put(SettingsBuilder.SP_ASSERTION_CONSUMER_SERVICE_URL_PROPERTY_KEY, sp.acsUrl());
        values.put(SettingsBuilder.SP_NAMEIDFORMAT_PROPERTY_KEY, sp.nameIdFormat());
        if (!s.idpEntityId().isBlank()) values.put(SettingsBuilder.IDP_ENTITYID_PROPERTY_KEY, s.idpEntityId());
        if (!s.ssoUrl().isBlank()) values.put(SettingsBuilder.IDP_SINGLE_SIGN_ON_SERVICE_URL_PROPERTY_KEY, s.ssoUrl());
        for (int i = 0; i < s.certificates().size(); i++) {
            String key = i == 0 ? SettingsBuilder.IDP_X509CERT_PROPERTY_KEY : SettingsBuilder.IDP_X509CERTMULTI_PROPERTY_KEY + "." + (i - 1);
            values.put(key, s.certificates().get(i).x509());
        }
        values.put(SettingsBuilder.SECURITY_WANT_ASSERTIONS_SIGNED, wantAssertionsSigned);
        values.put(SettingsBuilder.SECURITY_WANT_XML_VALIDATION, true);
        values.put(SettingsBuilder.SECURITY_REJECT_DEPRECATED_ALGORITHM, !s.allowSha1());
        values.put(SettingsBuilder.SECURITY_REJECT_UNSOLICITED_RESPONSES_WITH_INRESPONSETO, false);
        values.put(SettingsBuilder.PARSING_TRIM_NAME_IDS, true);
        // "_" + a UUID: short enough that RelayState (request id + purpose + expiry + MAC) stays within 80 bytes.
        values.put(SettingsBuilder.UNIQUE_ID_PREFIX_PROPERTY_KEY, "_");
        return new SettingsBuilder().fromValues(values).build();
    }

    /** An AuthnRequest for the HTTP-Redirect binding: its ID and the deflated, base64 SAMLRequest value. */
    record Request(String id, String encoded) {}

    static Request authnRequest(SamlSettings s, SpValues sp, boolean forceAuthn) {
        // ForceAuthn="true" only when an app asked for a fresh authentication (SAML core §3.4.1:
        // the IdP "MUST authenticate the presenter directly rather than rely on a previous security
        // context"); not passive; NameIDPolicy email with AllowCreate.
        var request = new AuthnRequest(settings(s, sp, true), new AuthnRequestParams(forceAuthn, false, true, true));
        try {
            return new Request(request.getId(), request.getEncodedAuthnRequest(true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SP metadata (SAML metadata §2.4.4) the admin gives the IdP: entity ID, ACS (HTTP-POST), NameID format. */
    static String spMetadata(SamlSettings s, SpValues sp) {
        try {
            return settings(s, sp, true).getSPMetadata();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
