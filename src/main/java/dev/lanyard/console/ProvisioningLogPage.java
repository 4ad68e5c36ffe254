package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The "Provisioning log" screens (console/provisioning_log*.jte): what the IdP sent, newest first,
 * with the filters as typed, and one request in full. Everything is already text for the page; jte
 * escapes it.
 *
 * @param errors     a message per filter field that could not be read ("from", "until"); the list is then empty
 * @param result     what the list shows, for the role=status line ("50 requests, newest first.")
 * @param nothingYet no filter and no request at all: the page explains how to connect the IdP instead
 * @param olderHref  the next page back, when older requests match
 * @param newestHref the first page, when this is a later one
 * @param previousHref the page of newer requests, when this is a later one
 * @param range      which of the matching requests this page shows ("51–100 of 313"), "" when none
 */
public record ProvisioningLogPage(ConsoleSession session, Filter filter, List<Entry> entries, Map<String, String> errors,
                                  String result, boolean nothingYet, Optional<String> olderHref, Optional<String> newestHref,
                                  Optional<String> previousHref, String range) {

    /** The filter form's choices: value, label. The period values are also the chart's ({@link ActivityChart.Range}). */
    public static final List<List<String>> STATUSES = List.of(List.of("", "All requests"),
            List.of("failures", "Failures (status 400 and above)"), List.of("successes", "Successes"));
    public static final List<List<String>> PERIODS = List.of(List.of("", "Any time"), List.of("1h", "Last hour"),
            List.of("24h", "Last 24 hours"), List.of("7d", "Last 7 days"), List.of("30d", "Last 30 days"));

    public ProvisioningLogPage {
        errors = Map.copyOf(errors);
    }

    public Optional<String> error(String field) {
        return Optional.ofNullable(errors.get(field));
    }

    /** The filter form as sent (unknown choices already reset to ""); {@code from} and {@code until} as typed. */
    public record Filter(String status, String period, String from, String until, String account) {
        boolean isDefault() {
            return status.isEmpty() && period.isEmpty() && from.isEmpty() && until.isEmpty() && account.isEmpty();
        }
    }

    /**
     * One request as listed. {@code request} is the path under the organization's SCIM URL with
     * its query decoded ({@code /Users?filter=userName eq "ann@example.com"}); {@code reason} (the
     * detail the IdP received) and {@code hint} (what to change) are there for failures only.
     */
    public record Entry(String href, Instant at, String method, String request, String client, String status,
                        boolean failed, String duration, Optional<String> reason, Optional<String> hint,
                        Optional<String> user, Optional<String> userHref, Optional<String> token) {}

    /**
     * One request in full: the whole path, the SCIM error type, the body as stored (secrets
     * redacted) and, for a failure, the error body the IdP received.
     */
    public record Detail(ConsoleSession session, Entry entry, String path, Optional<String> query, Optional<String> scimType,
                         Optional<String> body, Optional<String> response) {}
}
