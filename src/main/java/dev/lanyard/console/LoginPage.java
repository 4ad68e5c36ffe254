package dev.lanyard.console;

import java.util.Map;

/**
 * The sign-in form (console/login.jte): what was typed (never the password), a message per
 * field, and the form's CSRF token. The first field with a message, else the first empty
 * field, gets the focus.
 */
public record LoginPage(String org, String email, Map<String, String> errors, String csrfToken) implements Form {
    public static final String ORG = "org";
    public static final String EMAIL = "email";
    public static final String PASSWORD = "password";

    public LoginPage {
        errors = Map.copyOf(errors);
    }

    static LoginPage empty(String csrfToken) {
        return new LoginPage("", "", Map.of(), csrfToken);
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
