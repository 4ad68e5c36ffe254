package dev.lanyard.webhook;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One event on its way to one endpoint, as the delivery log shows it.
 *
 * @param eventId  sent as {@code webhook-id}; the same on every attempt and redelivery, for the receiver to deduplicate
 * @param ordered  false after a manual redelivery, which neither waits for nor holds back the account's other events
 * @param inFlight a server is sending it right now (it holds the lease)
 */
public record WebhookDelivery(UUID id, UUID endpointId, String eventId, String eventType, State state, boolean ordered,
                              boolean inFlight, int attempts, Instant nextAttemptAt, Optional<Instant> lastAttemptAt,
                              Optional<Integer> lastStatus, Optional<Long> lastLatencyMs, Optional<String> lastError,
                              Instant createdAt, Optional<Instant> finishedAt) {
    /** pending until it succeeds; dead once its retries ran out (docs/webhooks.md). */
    public enum State { PENDING, SUCCEEDED, DEAD }

    /** One attempt: what came back (a bounded excerpt of the body) and how long it took. */
    public record Attempt(int attempt, Instant at, Optional<Integer> status, long latencyMs, Optional<String> error,
                          Optional<String> responseExcerpt) {}
}
