package dev.lanyard.console;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the log screen reads its time fields and writes its cells. */
class ProvisioningLogScreenTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "2026-05-01T09:00,      2026-05-01T09:00:00Z",  // what a datetime-local field sends
            "2026-05-01T09:00:30,   2026-05-01T09:00:30Z",  // with step=1
            "2026-05-01 09:00,      2026-05-01T09:00:00Z",  // typed where the browser has no date picker
            "2026-05-01T09:00:00Z,  2026-05-01T09:00:00Z",  // pasted from the page's own <time datetime>
            "2026-05-01,            2026-05-01T00:00:00Z",
    })
    void a_time_field_is_read_as_utc(String typed, String expected) {
        Map<String, String> errors = new HashMap<>();
        assertThat(ProvisioningLogScreen.time(typed, "from", "From", errors)).contains(Instant.parse(expected));
        assertThat(errors).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"yesterday", "2026-13-01T09:00", "09:00"})
    void an_unreadable_time_is_an_error_on_its_field(String typed) {
        Map<String, String> errors = new HashMap<>();
        assertThat(ProvisioningLogScreen.time(typed, "until", "Until", errors)).isEmpty();
        assertThat(errors).containsOnlyKeys("until");
        assertThat(errors.get("until")).startsWith("Until must be a date and time in UTC");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "okta | Okta", "entra | Entra ID", "onelogin | OneLogin", "- | Unknown", "curl/8.5.0 | curl/8.5.0"})
    void clients_are_named_as_people_write_them(String name, String shown) {
        assertThat(ProvisioningLogScreen.client(name)).isEqualTo(shown);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"201 | 201 Created", "409 | 409 Conflict", "599 | 599"})
    void a_status_carries_its_reason_phrase(int status, String shown) {
        assertThat(ProvisioningLogScreen.statusText(status)).isEqualTo(shown);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "filter=userName%20eq%20%22ann%40example.com%22 | filter=userName eq \"ann@example.com\"",
            "filter=%zz | filter=%zz"})
    void a_query_is_shown_decoded_or_as_stored(String stored, String shown) {
        assertThat(ProvisioningLogScreen.decoded(stored)).isEqualTo(shown);
    }
}
