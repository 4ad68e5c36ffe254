package dev.lanyard.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {
    @Test
    void a_key_gets_its_burst_then_429_with_whole_seconds_to_wait_and_other_keys_are_untouched() {
        RateLimit limit = new RateLimit(0.5, 3, "sign-ins");
        for (int i = 0; i < 3; i++) limit.take("a");
        assertThatThrownBy(() -> limit.take("a")).isInstanceOf(DomainException.RateLimited.class)
                .satisfies(e -> assertThat(((DomainException.RateLimited) e).retryAfterSeconds()).isBetween(1, 2));
        limit.take("b");
    }
}
