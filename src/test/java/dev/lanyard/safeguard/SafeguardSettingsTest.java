package dev.lanyard.safeguard;

import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The threshold rule without a server: "more than N %", from 10 removals on, or more than M. */
class SafeguardSettingsTest {

    /** The rule as the docs state it, written independently of {@link SafeguardSettings#tooMany}. */
    static boolean held(long r, long active, int percent, int maxCount) {
        return r > maxCount || (r >= SafeguardSettings.PERCENT_RULE_FROM && r * 100 > (long) percent * active);
    }

    @Test
    void the_defaults_hold_the_21st_of_100_and_the_501st_of_a_million() {
        SafeguardSettings d = SafeguardSettings.DEFAULTS;
        assertThat(d.tooMany(20, 100)).isEmpty();
        assertThat(d.tooMany(21, 100)).hasValueSatisfying(r -> assertThat(r).contains("more than 20 % of the 100 active accounts"));
        assertThat(d.tooMany(500, 1_000_000)).isEmpty();
        assertThat(d.tooMany(501, 1_000_000)).hasValueSatisfying(r -> assertThat(r).contains("more than the limit of 500"));
    }

    @Test
    void a_small_organization_is_not_held_for_fewer_than_ten_removals() {
        SafeguardSettings d = SafeguardSettings.DEFAULTS;
        assertThat(d.tooMany(9, 9)).isEmpty();  // all nine people of a nine-person organization
        assertThat(d.tooMany(10, 12)).isPresent();
    }

    @Test
    void property_matches_the_documented_rule_for_random_thresholds() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            int percent = 1 + random.nextInt(100);
            int maxCount = 1 + random.nextInt(2000);
            long active = random.nextInt(5000);
            long r = 1 + random.nextInt(3000);
            var s = new SafeguardSettings(true, percent, maxCount, Duration.ofHours(1));
            assertThat(s.tooMany(r, active).isPresent()).as("r=%d active=%d %d%% max %d", r, active, percent, maxCount)
                    .isEqualTo(held(r, active, percent, maxCount));
        }
    }

    @Test
    void out_of_range_settings_are_refused_naming_the_setting() {
        assertThatThrownBy(() -> new SafeguardSettings(true, 0, 500, Duration.ofHours(1)))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("maxPercent");
        assertThatThrownBy(() -> new SafeguardSettings(true, 20, 0, Duration.ofHours(1))).hasMessageContaining("maxCount");
        assertThatThrownBy(() -> new SafeguardSettings(true, 20, 5, Duration.ofSeconds(90))).hasMessageContaining("window");
        assertThatThrownBy(() -> new SafeguardSettings(true, 20, 5, Duration.ofDays(8))).hasMessageContaining("window");
        assertThat(new SafeguardSettings(true, 20, 5, Duration.ofMinutes(90)).windowText()).isEqualTo("90 minutes");
        assertThat(SafeguardSettings.DEFAULTS.windowText()).isEqualTo("1 hour");
    }
}
