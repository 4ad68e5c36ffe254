package dev.lanyard.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Exponential backoff with full jitter, with a seeded Random: every wait within its ceiling, ceilings doubling up to the cap. */
class WebhookBackoffTest {
    @Test
    void each_wait_is_uniform_below_a_doubling_ceiling_capped_at_the_max_interval() {
        WebhookOptions o = WebhookOptions.defaults(false);  // 10 s doubling, capped at 6 h
        Random random = new Random(20261203);
        for (int attempt = 1; attempt <= 40; attempt++) {
            long ceiling = Math.min(Duration.ofSeconds(10).toMillis() << Math.min(attempt - 1, 30), Duration.ofHours(6).toMillis());
            long max = 0;
            long sum = 0;
            for (int i = 0; i < 2000; i++) {
                long wait = WebhookDispatcher.backoff(o, attempt, random).toMillis();
                assertThat(wait).isBetween(0L, ceiling);
                max = Math.max(max, wait);
                sum += wait;
            }
            // Full jitter: spread over the whole range, the mean near half the ceiling.
            assertThat(max).as("attempt %d", attempt).isGreaterThan(ceiling * 9 / 10);
            assertThat(sum / 2000.0).as("attempt %d", attempt).isBetween(ceiling * 0.45, ceiling * 0.55);
        }
    }

    @Test
    void three_days_of_retries_make_a_bounded_number_of_attempts() {
        WebhookOptions o = WebhookOptions.defaults(false);
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            long elapsed = 0;
            int attempts = 1;
            while (elapsed < Duration.ofDays(3).toMillis()) {
                elapsed += WebhookDispatcher.backoff(o, attempts, random).toMillis();
                attempts++;
            }
            assertThat(attempts).isBetween(15, 60);
        }
    }
}
