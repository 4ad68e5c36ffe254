package dev.lanyard.audit;

import org.junit.jupiter.api.Test;

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
}
