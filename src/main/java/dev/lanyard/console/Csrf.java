package dev.lanyard.console;

import dev.lanyard.token.Secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Cross-site request forgery tokens (OWASP synchronizer token pattern). Every console form
 * carries one in a hidden {@value #FIELD} field and every POST must send it back: a signed-in
 * session's own token, or before sign-in the value of the login cookie (double submit). Another
 * site can make a browser post a form here, but cannot read the token to put in it.
 */
final class Csrf {
    static final String FIELD = "csrf";

    private Csrf() {}

    static String newToken() {
        return Secrets.generate("");
    }

    /** Whether a value could be a token we made; anything else is not worth looking up. */
    static boolean wellFormed(String token) {
        return Secrets.wellFormed(token);
    }

    /** Whether the form sent back the expected token; constant time, so timing reveals no prefix. */
    static boolean matches(String expected, String sent) {
        if (!wellFormed(expected) || sent == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
