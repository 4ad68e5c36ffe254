package dev.lanyard.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings are validated once, at start; a wrong one names its key. */
class SettingsTest {
    @Test
    void the_database_pool_size_defaults_to_16_and_is_bounded() {
        assertThat(new Settings("127.0.0.1", 8080, Path.of("data"), Optional.empty(), Optional.empty()).dbPoolSize())
                .isEqualTo(16);
        assertThat(settings(1).dbPoolSize()).isEqualTo(1);
        assertThat(settings(200).dbPoolSize()).isEqualTo(200);
        for (int bad : new int[] {0, -1, 201}) {
            assertThatThrownBy(() -> settings(bad)).isInstanceOf(Settings.InvalidSettingException.class)
                    .hasMessageStartingWith("LANYARD_DB_POOL_SIZE must be between 1 and 200");
        }
    }

    @Test
    void the_event_retention_defaults_to_30_days_and_is_bounded() {
        assertThat(settings(16).eventRetentionDays()).isEqualTo(30);
        for (int bad : new int[] {0, -1, 3651}) {
            assertThatThrownBy(() -> new Settings("127.0.0.1", 8080, Path.of("data"), Optional.empty(), Optional.empty(), 30, 16, bad))
                    .isInstanceOf(Settings.InvalidSettingException.class)
                    .hasMessageStartingWith("LANYARD_EVENT_RETENTION_DAYS must be between 1 and 3650");
        }
    }

    private static Settings settings(int poolSize) {
        return new Settings("127.0.0.1", 8080, Path.of("data"), Optional.empty(), Optional.empty(), 30, poolSize);
    }
}
