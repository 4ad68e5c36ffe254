package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.util.Map;
import java.util.Optional;

/**
 * "Your password" (console/password.jte): the signed-in admin changes their own password. Never
 * echoes a password back; a message per field.
 */
public record PasswordPage(ConsoleSession session, Map<String, String> errors, Optional<String> notice, String next) implements Form {
    public static final String CURRENT = "current_password";
    public static final String NEW = "new_password";
    public static final String CONFIRM = "confirm_password";
    /** At least this long: an admin's password guards an organization's whole directory. */
    public static final int MIN_LENGTH = 12;

    public PasswordPage {
        errors = Map.copyOf(errors);
    }

    public PasswordPage(ConsoleSession session, Map<String, String> errors, Optional<String> notice) {
        this(session, errors, notice, "");
    }

    /** The first sign-in: the one-time password was typed a moment ago and is not asked again. */
    public boolean asksCurrent() {
        return !session.mustChangePassword();
    }

    @Override
    public String focus() {
        if (!asksCurrent() && errors.isEmpty()) return NEW;
        for (String field : new String[] {CURRENT, NEW, CONFIRM}) {
            if (errors.containsKey(field)) return field;
        }
        return CURRENT;
    }
}
