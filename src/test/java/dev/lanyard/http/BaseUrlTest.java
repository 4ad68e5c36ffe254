package dev.lanyard.http;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BaseUrlTest {
    /** The configured URL loses its trailing slashes exactly as the regex it replaced removed them. */
    @Test
    void trailing_slashes_go_as_the_regex_took_them() {
        Random random = new Random(16);
        String alphabet = "/a:.";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder url = new StringBuilder("https://");
            int length = random.nextInt(12);
            for (int k = 0; k < length; k++) url.append(alphabet.charAt(random.nextInt(alphabet.length())));
            String u = url.toString();
            assertThat(BaseUrl.withoutTrailingSlashes(u)).as(u).isEqualTo(u.replaceAll("/+$", ""));
        }
        assertThat(BaseUrl.withoutTrailingSlashes("https://id.example.com///")).isEqualTo("https://id.example.com");
        assertThat(BaseUrl.withoutTrailingSlashes("///")).isEmpty();
    }
}
