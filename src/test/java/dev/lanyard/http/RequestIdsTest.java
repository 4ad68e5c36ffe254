package dev.lanyard.http;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The hand-written check takes exactly what the pattern it replaced took, for any string. */
    @Test
    void sane_is_the_pattern() {
        Random random = new Random(16);
        String alphabet = "aZ09._-/ \r\n\"é{}";
        for (int i = 0; i < 100_000; i++) {
            int length = random.nextInt(70);
            StringBuilder id = new StringBuilder();
            for (int k = 0; k < length; k++) {
                id.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : (char) ('a' + random.nextInt(26)));
            }
            assertThat(RequestIds.sane(id.toString())).as("%s", id).isEqualTo(SANE.matcher(id).matches());
        }
        assertThat(RequestIds.sane("")).isFalse();
        assertThat(RequestIds.sane("a".repeat(64))).isTrue();
        assertThat(RequestIds.sane("a".repeat(65))).isFalse();
    }

    /** Ours are distinct, and a client that echoes one back gets it kept. */
    @Test
    void ours_are_distinct_and_sane() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.next();
            assertThat(RequestIds.sane(id)).as(id).isTrue();
            assertThat(seen.add(id)).as(id).isTrue();
        }
    }
}
