package dev.lanyard.console;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The sign-in form (console/login.jte): what was typed (never the password), a message per
 * field, and the form's CSRF token. The first field with a message, else the first empty
 * field, gets the focus.
 */
public record LoginPage(String org, String email, Map<String, String> errors, String csrfToken) {
    public static final String ORG = "org";
    public static final String EMAIL = "email";
    public static final String PASSWORD = "password";

    public LoginPage {
        errors = Map.copyOf(errors);
    }

    static LoginPage empty(String csrfToken) {
        return new LoginPage("", "", Map.of(), csrfToken);
    }

    public Optional<String> error(String field) {
        return Optional.ofNullable(errors.get(field));
    }

    /** The field that gets {@code autofocus}. */
    public String focus() {
        for (String field : new String[] {ORG, EMAIL, PASSWORD}) {
            if (errors.containsKey(field)) return field;
        }
        if (org.isEmpty()) return ORG;
        return email.isEmpty() ? EMAIL : PASSWORD;
    }

    /** The ids an input's aria-describedby lists: its hint, then its error when it has one; empty for none. */
    public String describedBy(String field, String hintId) {
        String error = errors.containsKey(field) ? field + "-error" : "";
        return Stream.of(hintId, error).filter(s -> !s.isEmpty()).collect(Collectors.joining(" "));
    }
}
