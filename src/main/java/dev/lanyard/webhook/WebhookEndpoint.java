package dev.lanyard.webhook;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Where one app receives one organization's events. The secret is never part of it: it is shown
 * once, when made ({@link WebhookService.Created}); {@code secretHint} is its last 4 characters.
 *
 * @param failingSince the first failed attempt since the last success; empty while the endpoint works
 * @param pauseReason  why it was paused (continuous failures, or by hand); empty while active
 * @param held         the app may not read the organization now (turned off there, or not allowed by the operator):
 *                     nothing is sent until it may again (docs/webhooks.md)
 */
public record WebhookEndpoint(UUID id, UUID appId, String appClientId, String appName, UUID orgId, String url,
                              String secretHint, boolean paused, int consecutiveFailures, Optional<Instant> failingSince,
                              Optional<Instant> lastSuccessAt, Optional<Instant> lastFailureAt, Optional<Instant> pausedAt,
                              Optional<String> pauseReason, String createdBy, Instant createdAt, boolean held) {}
