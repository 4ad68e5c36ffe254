package dev.lanyard.console;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LoginPageTest {

    @Test
    void the_focus_goes_to_the_first_field_with_an_error_else_to_the_first_empty_one() {
        assertThat(page("", "", Map.of()).focus()).isEqualTo("org");
        assertThat(page("acme", "", Map.of()).focus()).isEqualTo("email");
        assertThat(page("acme", "ann@example.com", Map.of()).focus()).isEqualTo("password");
        assertThat(page("acme", "jdoe", Map.of("password", "p", "email", "e")).focus()).isEqualTo("email");
    }

    @Test
    void an_input_is_described_by_its_hint_and_then_its_error() {
        LoginPage page = page("", "x", Map.of("org", "Enter it."));

        assertThat(page.describedBy("org", "org-hint")).isEqualTo("org-hint org-error");
        assertThat(page.describedBy("email", "")).isEmpty();
        assertThat(page.describedBy("org", "")).isEqualTo("org-error");
    }

    private static LoginPage page(String org, String email, Map<String, String> errors) {
        return new LoginPage(org, email, errors, "token");
    }
}
