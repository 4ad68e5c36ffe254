package dev.lanyard.http;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogTest {
    /** The access log's duration reads as String.format("%.1f") wrote it before, for any duration. */
    @Test
    void durations_read_as_before() {
        Random random = new Random(16);
        for (int i = 0; i < 100_000; i++) {
            float millis = switch (i % 3) {
                case 0 -> random.nextFloat() * 10;
                case 1 -> random.nextFloat() * 100_000;
                default -> (random.nextInt(100_000)) / 100f;
            };
            assertThat(AccessLog.tenths(millis)).as("%s", millis).isEqualTo(String.format(Locale.ROOT, "%.1f", millis));
        }
        assertThat(AccessLog.tenths(0f)).isEqualTo("0.0");
        assertThat(AccessLog.tenths(Float.NaN)).isEqualTo("NaN");
    }
}
