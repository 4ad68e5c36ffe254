package dev.lanyard.console;

import java.util.Map;

/** The operator's sign-in form (console/login_operator.jte): one field, never echoed back. */
public record OperatorLoginPage(Map<String, String> errors, String csrfToken, String next) implements Form {
    public static final String CREDENTIAL = "credential";

    public OperatorLoginPage {
        errors = Map.copyOf(errors);
    }

    static OperatorLoginPage empty(String csrfToken, String next) {
        return new OperatorLoginPage(Map.of(), csrfToken, next);
    }

    @Override
    public String focus() {
        return CREDENTIAL;
    }
}
