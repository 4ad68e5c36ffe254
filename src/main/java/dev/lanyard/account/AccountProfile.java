package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.domain.DomainException;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the IdP says an account should be: its userName (which is the account's email,
 * docs/product-rules.md rule 6), whether it is active, and the rest of its SCIM data.
 *
 * @param active empty when the IdP did not say (keep the current state; new accounts start active)
 */
public record AccountProfile(String email, Optional<String> externalId, Optional<String> displayName,
                             Optional<Boolean> active, ObjectNode attributes) {

    /**
     * Deliberately plain: one @, something before it, a dotted domain after it, no spaces.
     * The IdP is the authority on its users' addresses; this catches the mistake that matters,
     * an IdP sending "jdoe" because its username format is not Email.
     */
    private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+$");
    public static final int MAX_EMAIL_LENGTH = 254;  // RFC 5321 path limit

    public AccountProfile {
        if (email == null || email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            throw new DomainException.Invalid("userName must be an email address, because it becomes the account's "
                    + "sign-in email; got \"" + abbreviate(email) + "\". In Okta, set the application username "
                    + "format to Email; in Entra ID, map userPrincipalName or mail to userName");
        }
    }

    private static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
