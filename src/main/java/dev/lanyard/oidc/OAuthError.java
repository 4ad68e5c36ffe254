package dev.lanyard.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;

/** A refusal in the protocol's own terms (RFC 6749 §5.2, §4.1.2.1; OIDC Core §3.1.2.6): an error code and a description. */
final class OAuthError extends Exception {
    private final transient ErrorObject error;

    OAuthError(ErrorObject error, String description) {
        super(description);
        this.error = error.setDescription(ascii(description));
    }

    /** RFC 6749 §5.2: error_description is printable ASCII without '"' and '\\'; names of organizations may be anything. */
    static String ascii(String text) {
        StringBuilder out = new StringBuilder();
        for (char ch : text.replace("§", "section ").toCharArray()) {
            out.append(ch >= 0x20 && ch <= 0x7e && ch != '"' && ch != '\\' ? ch : '?');
        }
        return out.toString();
    }

    ErrorObject error() {
        return error;
    }
}
