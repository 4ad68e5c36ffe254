package dev.lanyard.orgadmin;

import dev.lanyard.domain.DomainException;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An organization admin: signs in to the console of one organization with an email and a
 * password. The same address may be an admin of several organizations, each a separate admin
 * with its own password ({@code unique (org_id, lower(email))}).
 */
public record AdminUser(UUID id, UUID orgId, String email, Instant createdAt) {
    public static final int MAX_EMAIL_LENGTH = 254;  // RFC 5321 path limit

    /** One @, something before it, a dotted domain after it, no spaces: the same plain rule as userName. */
    private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+$");

    /** Whether {@code text} (already stripped) looks like an email address. */
    public static boolean isEmail(String text) {
        return text.length() <= MAX_EMAIL_LENGTH && EMAIL.matcher(text).matches();
    }

    /** The address to store, stripped; refuses anything that is not an email address. */
    static String checkEmail(String raw) {
        String email = raw == null ? "" : raw.strip();
        if (!isEmail(email)) {
            throw new DomainException.Invalid("email must be an email address, like ann@example.com; got \""
                    + (email.length() <= 80 ? email : email.substring(0, 77) + "...") + "\"");
        }
        return email;
    }
}
