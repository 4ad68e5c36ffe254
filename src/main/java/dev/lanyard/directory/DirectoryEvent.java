package dev.lanyard.directory;

import java.time.Instant;
import java.util.UUID;

/**
 * One event of the feed, as stored in directory_events (V80) and served to apps.
 *
 * @param id             stable: the same event always has this id (use it to drop duplicates)
 * @param type           {@code account.created}, {@code group.member_added}, {@code organization.updated} ...
 * @param subjectVersion the subject's version after the change; an event with a lower version
 *                       than one already applied for the same subject is stale
 * @param dataJson       the subject as the Directory API shows it, JSON text
 * @param cursor         the feed position just after this event
 */
public record DirectoryEvent(UUID id, UUID orgId, String type, UUID subjectId, long subjectVersion, Instant occurredAt,
                             String dataJson, EventCursor cursor) {}
