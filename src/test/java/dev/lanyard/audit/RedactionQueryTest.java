package dev.lanyard.audit;

import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionQueryTest {
    @Test
    void secrets_in_a_query_are_redacted_and_a_long_one_is_cut() {
        assertThat(Redaction.redactQuery("filter=userName%20eq%20%22a%40b.c%22&access_token=lanyard_scim_abc&count=2"))
                .isEqualTo("filter=userName%20eq%20%22a%40b.c%22&access_token=[redacted]&count=2");
        assertThat(Redaction.redactQuery("x=lanyard_scim_Q2hzZ-_x&password=p")).isEqualTo("x=[redacted]&password=[redacted]");
        assertThat(Redaction.redactQuery("f=" + "a".repeat(5000))).hasSize(Redaction.MAX_QUERY + 1);
        assertThat(Redaction.redactText("curl lanyard_scim_Q2hz")).isEqualTo("curl [redacted]");
    }

    @Test
    void a_query_without_secrets_is_kept_as_it_is() {
        String okta = "filter=userName%20eq%20%22ada%40example.com%22&startIndex=1&count=100";
        assertThat(Redaction.redactQuery(okta)).isSameAs(okta);
    }

    @Test
    void an_encoded_secret_name_is_found_and_one_that_does_not_decode_keeps_no_value() {
        assertThat(Redaction.redactQuery("Pass%77ord=p&my+Token=t&C%6Fde=c&x=1"))
                .isEqualTo("Pass%77ord=[redacted]&my+Token=[redacted]&C%6Fde=[redacted]&x=1");
        assertThat(Redaction.redactQuery("a%zz=v&b=1")).isEqualTo("a%zz=[redacted]&b=1");
        assertThat(Redaction.redactQuery("&&password=&=x&code")).isEqualTo("&&password=[redacted]&=x&code");
    }

    /**
     * The pair-by-pair rule as it was first written (split, decode every name, rebuild), as the
     * oracle for random queries: the version that keeps a clean query as it is answers the same.
     * (The first one dropped the '&' after an empty first pair; the oracle keeps it.)
     */
    @Test
    void redacts_exactly_as_the_plain_rule_for_random_queries() {
        List<String> names = List.of("filter", "count", "startIndex", "password", "Pass%77ord", "PASS+word", "my+token", "code",
                "Code", "c%6Fde", "codes", "x", "", "secret_thing", "token", "%74oken", "a%20b", "id_token_hint");
        List<String> values = List.of("", "abc", "lanyard_scim_abc", "userName%20eq%20%22a%22", "=x", "a=b", "%22");
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder query = new StringBuilder();
            int pairs = random.nextInt(5);
            for (int p = 0; p < pairs; p++) {
                if (p > 0) query.append('&');
                if (random.nextInt(8) == 0) continue;  // an empty pair
                query.append(names.get(random.nextInt(names.size())));
                if (random.nextInt(6) != 0) query.append('=').append(values.get(random.nextInt(values.size())));
            }
            String q = query.toString();
            assertThat(Redaction.redactQuery(q)).as(q).isEqualTo(plainRule(q));
        }
    }

    private static String plainRule(String query) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (String pair : query.split("&", -1)) {
            if (!first) out.append('&');
            first = false;
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String n = name.toLowerCase(Locale.ROOT);
            boolean secret = n.contains("password") || n.contains("secret") || n.contains("token") || n.equals("code");
            out.append(eq >= 0 && secret ? pair.substring(0, eq + 1) + "[redacted]" : pair);
        }
        String clean = out.toString().contains("lanyard_") ? out.toString().replaceAll("lanyard_[a-z]+_[A-Za-z0-9_\\-]+", "[redacted]")
                : out.toString();
        return clean.length() <= Redaction.MAX_QUERY ? clean : clean.substring(0, Redaction.MAX_QUERY) + "…";
    }
}
