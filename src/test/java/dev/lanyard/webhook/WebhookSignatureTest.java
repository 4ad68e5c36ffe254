package dev.lanyard.webhook;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Standard Webhooks signatures: the specification's published test vector, the replay window, tampering. */
class WebhookSignatureTest {
    // The test vector of the Standard Webhooks specification (and of its reference libraries).
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signs_exactly_as_the_specification_test_vector() {
        assertThat(WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void a_receiver_accepts_it_within_five_minutes_and_refuses_it_after_or_when_anything_changed() {
        String header = WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY);
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, header, TIMESTAMP + 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, header, TIMESTAMP - 300)).isTrue();
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, header, TIMESTAMP + 301)).as("replayed too late").isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), header, TIMESTAMP))
                .as("body changed").isFalse();
        assertThat(WebhookSignature.verify(SECRET, "msg_other", TIMESTAMP, BODY, header, TIMESTAMP)).as("id changed").isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP + 1, BODY, header, TIMESTAMP)).as("timestamp changed").isFalse();
        assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), ID, TIMESTAMP, BODY, header, TIMESTAMP)).as("other secret").isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v1,bm90IGl0 " + header, TIMESTAMP)).as("one of several").isTrue();
        assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, header.replace("v1,", "v2,"), TIMESTAMP)).isFalse();
    }

    @Test
    void new_secrets_have_the_specification_form_and_differ() {
        String a = WebhookSignature.newSecret();
        assertThat(a).startsWith("whsec_").hasSize("whsec_".length() + 44);
        assertThat(java.util.Base64.getDecoder().decode(a.substring(6))).hasSize(32);
        assertThat(WebhookSignature.newSecret()).isNotEqualTo(a);
    }
}
