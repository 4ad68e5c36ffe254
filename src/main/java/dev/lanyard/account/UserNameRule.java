package dev.lanyard.account;

import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.FailureReason;

/**
 * userName is the account's sign-in email (README, "What the IdP can do, and the rules"). Deliberately plain:
 * one @, something before it, a dotted domain after it, no spaces. The IdP is the authority on its
 * users' addresses; this catches the mistakes that matter, each with its own reason:
 *
 * <ul>
 *   <li>an IdP sending "jdoe" because its username format is not Email (the message says what to
 *       change in Okta and Entra ID);</li>
 *   <li>control and formatting characters (U+202E RIGHT-TO-LEFT OVERRIDE, zero-width joiners, line
 *       breaks), which can make one address display as another in every screen that shows it;</li>
 *   <li>the lengths RFC 5321 sets: 254 in all, 64 before the @; RFC 1035: 63 per domain label.</li>
 * </ul>
 *
 * Letters of every script stay accepted ("ユーザー@例え.jp", "مستخدم@مثال.شبكة").
 */
final class UserNameRule {
    static final int MAX_LOCAL_PART = 64;   // RFC 5321 §4.5.3.1.1
    static final int MAX_LABEL = 63;        // RFC 1035 §2.3.4

    private static final String HINT = ". In Okta, set the application username format to Email; "
            + "in Entra ID, map userPrincipalName or mail to userName";

    private UserNameRule() {}

    static void check(String email) {
        if (email == null) throw notAnEmail("", "it is missing");
        for (int i = 0; i < email.length(); ) {
            int cp = email.codePointAt(i);
            if (isHidden(cp)) {
                throw new DomainException.Invalid("userName contains " + describe(cp) + " at position " + (i + 1)
                        + "; control and formatting characters are not allowed in an email address, as they can make "
                        + "one address look like another; got \"" + abbreviate(visible(email)) + "\"");
            }
            i += Character.charCount(cp);
        }
        if (email.length() > AccountProfile.MAX_EMAIL_LENGTH) {
            throw new DomainException.Invalid("userName is longer than " + AccountProfile.MAX_EMAIL_LENGTH
                    + " characters (" + email.length() + "), the most an email address can have (RFC 5321 §4.5.3.1.3); got \""
                    + abbreviate(email) + "\"");
        }
        if (email.codePoints().anyMatch(Character::isWhitespace) || email.codePoints().anyMatch(Character::isSpaceChar)) {
            throw notAnEmail(email, "it contains a space");
        }
        int at = email.indexOf('@');
        if (at < 0) throw notAnEmail(email, "there is no @");
        if (email.indexOf('@', at + 1) >= 0) throw notAnEmail(email, "there is more than one @");
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.isEmpty()) throw notAnEmail(email, "there is nothing before the @");
        if (domain.isEmpty()) throw notAnEmail(email, "there is nothing after the @");
        if (!domain.contains(".")) throw notAnEmail(email, "the domain after the @ has no dot, as in example.com");
        String[] labels = domain.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty()) throw notAnEmail(email, "the domain after the @ has an empty part between dots");
        }
        if (local.length() > MAX_LOCAL_PART) {
            throw new DomainException.Invalid("the part of userName before the @ is longer than " + MAX_LOCAL_PART
                    + " characters (" + local.length() + "), the most an email address allows there (RFC 5321 §4.5.3.1.1); got \""
                    + abbreviate(email) + "\"");
        }
        for (String label : labels) {
            if (label.length() > MAX_LABEL) {
                throw new DomainException.Invalid("the domain of userName has a part longer than " + MAX_LABEL
                        + " characters (" + label.length() + "), the most a domain name allows between dots (RFC 1035 §2.3.4); got \""
                        + abbreviate(email) + "\"");
            }
        }
    }

    /** Characters that change how text around them displays instead of showing themselves. */
    private static boolean isHidden(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    /** "U+202E RIGHT-TO-LEFT OVERRIDE" */
    static String describe(int cp) {
        String name = Character.getName(cp);
        return String.format("U+%04X", cp) + (name == null ? "" : " " + name);
    }

    /** The address with its hidden characters written as U+XXXX, so the message cannot be reordered by them. */
    private static String visible(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (isHidden(cp)) out.append(String.format("<U+%04X>", cp));
            else out.appendCodePoint(cp);
        });
        return out.toString();
    }

    private static DomainException.Invalid notAnEmail(String email, String reason) {
        return new DomainException.Invalid(FailureReason.USERNAME_NOT_EMAIL, "userName must be an email address, because it becomes the account's "
                + "sign-in email; got \"" + abbreviate(email) + "\" (" + reason + ")" + HINT);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
