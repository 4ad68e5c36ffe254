package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.Actor;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One entry of an organization's audit trail as read back.
 *
 * @param actorLabel how the actor was named when it acted (an admin's email, a token's label and prefix)
 * @param target     what it was about; empty for the organization's own settings
 * @param detail     what changed (redacted when written)
 */
public record AuditEntry(long id, UUID orgId, Instant at, Actor actor, String actorLabel, String action,
                         Optional<AuditTrail.Target> target, JsonNode detail) {}
