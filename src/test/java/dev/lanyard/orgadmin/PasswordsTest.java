package dev.lanyard.orgadmin;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordsTest {

    @Test
    void a_hash_is_bcrypt_at_cost_12_and_verifies_only_its_own_password() {
        String hash = Passwords.hash("correct horse battery staple");

        assertThat(hash).startsWith("$2a$12$").hasSize(60).doesNotContain("correct");
        assertThat(Passwords.matches("correct horse battery staple", hash)).isTrue();
        assertThat(Passwords.matches("correct horse battery stapler", hash)).isFalse();
        assertThat(Passwords.matches("Correct horse battery staple", hash)).isFalse();
        assertThat(Passwords.matches("", hash)).isFalse();
        assertThat(Passwords.matches(null, hash)).isFalse();
    }

    @Test
    void the_same_password_hashes_differently_each_time_because_of_the_salt() {
        String a = Passwords.hash("same");
        String b = Passwords.hash("same");

        assertThat(a).isNotEqualTo(b);
        assertThat(Passwords.matches("same", a)).isTrue();
        assertThat(Passwords.matches("same", b)).isTrue();
    }

    @Test
    void a_password_longer_than_bcrypt_reads_never_matches_instead_of_being_cut_to_72_bytes() {
        String first72 = "x".repeat(72);
        String hash = Passwords.hash(first72);

        assertThat(Passwords.matches(first72 + "y", hash)).isFalse();
        assertThatThrownBy(() -> Passwords.hash(first72 + "y")).isInstanceOf(IllegalArgumentException.class);
        // 24 three-byte characters are 72 bytes: fine; 25 are not.
        assertThat(Passwords.matches("€".repeat(24), Passwords.hash("€".repeat(24)))).isTrue();
        assertThatThrownBy(() -> Passwords.hash("€".repeat(25))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void one_time_passwords_are_four_groups_of_five_unambiguous_characters_and_never_repeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String p = Passwords.generate();
            assertThat(p).matches("[A-HJ-NP-Za-km-z2-9]{5}(-[A-HJ-NP-Za-km-z2-9]{5}){3}");
            seen.add(p);
        }
        assertThat(seen).hasSize(1000);
    }
}
