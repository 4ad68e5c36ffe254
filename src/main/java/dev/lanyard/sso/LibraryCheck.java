package dev.lanyard.sso;

import com.onelogin.saml2.authn.SamlResponse;
import com.onelogin.saml2.settings.Saml2Settings;
import dev.lanyard.sso.Refusal.Reason;

import java.util.Optional;

/**
 * OneLogin java-saml's validation of the same Response, after ours: schema validation against
 * saml-schema-protocol-2.0.xsd, its own signature, time, audience, destination, issuer and
 * subject-confirmation checks. Our checks run first because they refuse with precise reasons and
 * cover what the library does not (replay, comments in NameID, duplicate IDs, DOCTYPEs without
 * ENTITY, SHA-1 per organization); anything the library still finds wrong refuses the sign-in too.
 */
final class LibraryCheck {
    private LibraryCheck() {}

    static void verify(String samlResponse, SamlSettings s, SpValues sp, Optional<String> inResponseTo) throws Refusal {
        String error;
        try {
            Saml2Settings settings = JavaSaml.settings(s, sp, false);
            SamlResponse response = new SamlResponse(settings, sp.acsUrl(), samlResponse);
            if (response.isValid(inResponseTo.orElse(null))) return;
            error = response.getError();
        } catch (Exception e) {
            error = e.getMessage();
        }
        throw new Refusal(Reason.LIBRARY_REFUSED, "java-saml refused the Response: " + error);
    }
}
