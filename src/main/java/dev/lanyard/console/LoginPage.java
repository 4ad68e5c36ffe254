package dev.lanyard.console;

import java.util.Map;
import java.util.Optional;

/**
 * The sign-in form (console/login.jte): what was typed (never the password), a message per
 * field, and the form's CSRF token. The first field with a message, else the first empty
 * field, gets the focus.
 *
 * @param next   the console page to open after sign-in ({@link ReturnTo}), "" for Home
 * @param notice why the form is shown: signed out, the session expired, the password changed elsewhere
 */
public record LoginPage(String org, String email, Map<String, String> errors, String csrfToken, String next,
                        Optional<String> notice) implements Form {
    public static final String ORG = "org";
    public static final String EMAIL = "email";
    public static final String PASSWORD = "password";

    public LoginPage {
        errors = Map.copyOf(errors);
    }

    public LoginPage(String org, String email, Map<String, String> errors, String csrfToken) {
        this(org, email, errors, csrfToken, "", Optional.empty());
    }

    @Override
    public String focus() {
        for (String field : new String[] {ORG, EMAIL, PASSWORD}) {
            if (errors.containsKey(field)) return field;
        }
        if (org.isEmpty()) return ORG;
        return email.isEmpty() ? EMAIL : PASSWORD;
    }
}
