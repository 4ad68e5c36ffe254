package dev.lanyard.webhook;

import java.time.Duration;

/**
 * How webhooks are delivered; {@link #defaults} is what a server uses, tests shorten the times.
 *
 * @param allowPrivate       the operator's {@code LANYARD_WEBHOOKS_ALLOW_PRIVATE}: endpoints may be on private,
 *                           loopback or link-local addresses, and http:// is allowed for loopback hosts
 * @param firstRetry         the backoff's first ceiling; each failed attempt doubles it
 * @param maxRetryInterval   the ceiling stops doubling here
 * @param retryFor           a delivery is dead-lettered once this long has passed since its first attempt
 * @param pauseAfter         an endpoint failing without a single success for this long ...
 * @param pauseAfterFailures ... and at least this many times in a row is paused
 * @param lease              how long a server holds a delivery it is sending; after a crash another takes it then
 * @param pollInterval       how often a server looks for new events and due deliveries
 * @param maxInFlight        deliveries one server sends at once
 * @param maxPerEndpoint     deliveries one server sends at once to one endpoint
 * @param maxPerOrganization deliveries one server sends at once for one organization (all its endpoints)
 */
public record WebhookOptions(boolean allowPrivate, Duration firstRetry, Duration maxRetryInterval, Duration retryFor,
                             Duration pauseAfter, int pauseAfterFailures, Duration lease, Duration pollInterval,
                             int maxInFlight, int maxPerEndpoint, int maxPerOrganization) {
    /** Retries for 3 days, as Stripe does; pause after 24 hours of nothing but failures. */
    public static WebhookOptions defaults(boolean allowPrivate) {
        return new WebhookOptions(allowPrivate, Duration.ofSeconds(10), Duration.ofHours(6), Duration.ofDays(3),
                Duration.ofHours(24), 10, Duration.ofSeconds(30), Duration.ofSeconds(1), 64, 4, 8);
    }

    public WebhookOptions {
        if (lease.compareTo(Sender.TOTAL_TIMEOUT.plusSeconds(5)) < 0) {
            throw new IllegalArgumentException("the lease must outlast one attempt (" + Sender.TOTAL_TIMEOUT.toSeconds() + " s) with room to record it");
        }
        if (maxInFlight < 1 || maxPerEndpoint < 1 || maxPerOrganization < 1 || maxInFlight > 10_000) {
            throw new IllegalArgumentException("concurrency limits must be positive (and at most 10000 in all)");
        }
    }
}
