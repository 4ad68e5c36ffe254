package dev.lanyard.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How much an organization's IdP sent recently: requests and failures per hour (oldest first,
 * hours without requests left out) and when the last request came, as the console's chart needs.
 *
 * @param lastRequestAt the newest entry the log still holds, however old
 */
public record ProvisioningActivity(List<Hour> hours, Optional<Instant> lastRequestAt) {

    /** One hour [start, start + 1 h) in UTC; {@code failures} answered with a status of 400 or more. */
    public record Hour(Instant start, int requests, int failures) {}
}
