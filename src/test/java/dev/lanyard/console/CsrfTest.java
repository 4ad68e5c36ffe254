package dev.lanyard.console;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsrfTest {
    private static final String TOKEN = Csrf.newToken();

    @Test
    void a_new_token_is_256_random_bits_in_base64url_and_never_the_same_twice() {
        assertThat(TOKEN).matches("[A-Za-z0-9_-]{43}");
        assertThat(Csrf.newToken()).isNotEqualTo(TOKEN);
        assertThat(Csrf.wellFormed(TOKEN)).isTrue();
    }

    @Test
    void the_token_sent_back_unchanged_matches() {
        assertThat(Csrf.matches(TOKEN, new String(TOKEN.toCharArray()))).isTrue();
    }

    @Test
    void a_missing_empty_altered_truncated_or_extended_token_does_not_match() {
        String altered = (TOKEN.charAt(0) == 'A' ? "B" : "A") + TOKEN.substring(1);
        for (String sent : new String[] {null, "", " ", altered, TOKEN.substring(1), TOKEN + "A", TOKEN.toUpperCase(), " " + TOKEN}) {
            assertThat(Csrf.matches(TOKEN, sent)).as(String.valueOf(sent)).isFalse();
        }
    }

    @Test
    void without_an_expected_token_nothing_matches_not_even_an_equally_empty_one() {
        assertThat(Csrf.matches(null, null)).isFalse();
        assertThat(Csrf.matches("", "")).isFalse();
        assertThat(Csrf.matches("short", "short")).isFalse();
    }
}
