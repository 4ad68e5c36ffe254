package dev.lanyard.webhook;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Where webhook deliveries come from: an organization's directory events in commit order (the
 * transactional outbox of {@code dev.lanyard.directory}, wired in {@code App}). Read on the
 * caller's connection, so taking events and recording their deliveries is one transaction.
 */
public interface EventFeed {
    /**
     * At most {@code limit} events of {@code orgId} after {@code cursor}, in commit order, never
     * skipping one that commits later with an earlier position (the feed's guarantee).
     */
    List<Event> after(Connection c, UUID orgId, String cursor, int limit) throws SQLException;

    /** The cursor after every event visible now: a new endpoint receives what commits after it. */
    String now(Connection c) throws SQLException;

    /**
     * One event as the feed gives it.
     *
     * @param cursor      the feed position just after this event (webhooks keep it per endpoint, opaque)
     * @param id          the event's id, sent as {@code webhook-id}: the same on every retry and redelivery
     * @param orderingKey what must stay in order (the account, group or organization the event is about)
     * @param json        the event as the feed shows it: the webhook's body
     */
    record Event(String cursor, String id, String type, String orderingKey, String json) {}
}
