package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * What the IdP says an account should be: its userName (which is the account's email,
 * docs/product-rules.md rule 6), whether it is active, and the rest of its SCIM data.
 *
 * @param active empty when the IdP did not say (keep the current state; new accounts start active)
 */
public record AccountProfile(String email, Optional<String> externalId, Optional<String> displayName,
                             Optional<Boolean> active, ObjectNode attributes) {

    public static final int MAX_EMAIL_LENGTH = 254;  // RFC 5321 §4.5.3.1.3 (a path of 256 with its brackets)

    public AccountProfile {
        UserNameRule.check(email);
    }
}
