package dev.lanyard.directory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lanyard.domain.JsonBuffers;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
                             String dataJson, EventCursor cursor) {
    private static final JsonFactory JSON = JsonBuffers.pooled(new JsonFactory());
    /** The times of the apps' JSON: UTC with microseconds, as V80's directory_time writes them. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The event as apps receive it (README "Directory API and events"), the same in the feed and
     * in a webhook's body:
     * <pre>{"id": "...", "type": "account.deactivated", "organization_id": "...", "subject_id": "...",
     *  "subject_version": 3, "occurred_at": "2026-12-03T07:44:31.123456Z", "cursor": "AQ...", "data": {...}}</pre>
     */
    public String toJson() {
        var out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id.toString());
        g.writeStringField("type", type);
        g.writeStringField("organization_id", orgId.toString());
        g.writeStringField("subject_id", subjectId.toString());
        g.writeNumberField("subject_version", subjectVersion);
        g.writeStringField("occurred_at", TIME.format(occurredAt));
        g.writeStringField("cursor", cursor.encode());
        g.writeFieldName("data");
        g.writeRawValue(dataJson);  // jsonb text from PostgreSQL: one valid JSON value
        g.writeEndObject();
    }
}
