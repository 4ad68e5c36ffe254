package dev.lanyard.webhook;

import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for endpoints, deliveries and attempts (V90__webhooks.sql). Times come from the database's clock, one for every server. */
final class WebhookStore {
    private static final String ENDPOINT = "select e.*, c.client_id, c.name as app_name from webhook_endpoints e "
            + "join oidc_clients c on c.id = e.client ";
    /**
     * The endpoint's app may still use its organization (the Directory API's rule, one statement of
     * it): over {@code e} (webhook_endpoints) joined with its app as {@code a}. The dispatcher
     * neither takes new events for nor sends to an endpoint that fails it: its deliveries are held.
     */
    private static final String APP_MAY_READ = dev.lanyard.oidc.ClientService.usableBySql("a", "e.org_id");
    private static final String DELIVERY = "select d.*, d.lease_until is not null and d.lease_until > now() as in_flight "
            + "from webhook_deliveries d ";

    // --- endpoints ---

    void insert(Connection c, UUID id, UUID client, UUID orgId, String url, byte[] sealed, String hint, String cursor,
                String createdBy) throws SQLException {
        Sql.update(c, "insert into webhook_endpoints (id, client, org_id, url, sealed_secret, secret_hint, feed_cursor, created_by) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?)", id, client, orgId, url, sealed, hint, cursor, createdBy);
    }

    Optional<WebhookEndpoint> find(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.find(c, ENDPOINT + "where e.org_id = ? and e.id = ?", WebhookStore::endpoint, orgId, id);
    }

    List<WebhookEndpoint> list(Connection c, UUID orgId) throws SQLException {
        return Sql.list(c, ENDPOINT + "where e.org_id = ? order by c.name, e.created_at, e.id", WebhookStore::endpoint, orgId);
    }

    long count(Connection c, UUID orgId) throws SQLException {
        return Sql.count(c, "select count(*) from webhook_endpoints where org_id = ?", List.of(orgId));
    }

    int delete(Connection c, UUID orgId, UUID id) throws SQLException {
        return Sql.update(c, "delete from webhook_endpoints where org_id = ? and id = ?", orgId, id);
    }

    void setUrl(Connection c, UUID id, String url) throws SQLException {
        Sql.update(c, "update webhook_endpoints set url = ? where id = ?", url, id);
    }

    void setSecret(Connection c, UUID id, byte[] sealed, String hint) throws SQLException {
        Sql.update(c, "update webhook_endpoints set sealed_secret = ?, secret_hint = ? where id = ?", sealed, hint, id);
    }

    void pause(Connection c, UUID id, String reason) throws SQLException {
        Sql.update(c, "update webhook_endpoints set status = 'paused', paused_at = now(), pause_reason = ? where id = ?", reason, id);
    }

    /** Active again, failures forgotten, and what waited is due now. */
    void resume(Connection c, UUID id) throws SQLException {
        Sql.update(c, "update webhook_endpoints set status = 'active', paused_at = null, pause_reason = null, consecutive_failures = 0, "
                + "failing_since = null where id = ?", id);
        Sql.update(c, "update webhook_deliveries set next_attempt_at = now() where endpoint_id = ? and state = 'pending'", id);
    }

    byte[] sealedSecret(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select sealed_secret from webhook_endpoints where id = ?", rs -> rs.getBytes(1), id).orElseThrow();
    }

    // --- the delivery log ---

    /** Newest first, keyset-paged by (created_at, id); {@code state} empty for all. */
    List<WebhookDelivery> deliveries(Connection c, UUID endpointId, Optional<WebhookDelivery.State> state,
                                     Optional<Instant> beforeAt, Optional<UUID> beforeId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder(DELIVERY + "where d.endpoint_id = ?");
        List<Object> params = new java.util.ArrayList<>(List.of(endpointId));
        state.ifPresent(s -> {
            sql.append(" and d.state = ?");
            params.add(s.name().toLowerCase(java.util.Locale.ROOT));
        });
        if (beforeAt.isPresent() && beforeId.isPresent()) {
            sql.append(" and (d.created_at, d.id) < (?, ?)");
            params.add(beforeAt.get());
            params.add(beforeId.get());
        }
        sql.append(" order by d.created_at desc, d.id desc limit ?");
        params.add(limit);
        return Sql.list(c, sql.toString(), params, WebhookStore::delivery);
    }

    Optional<WebhookDelivery> delivery(Connection c, UUID endpointId, UUID id) throws SQLException {
        return Sql.find(c, DELIVERY + "where d.endpoint_id = ? and d.id = ?", WebhookStore::delivery, endpointId, id);
    }

    Optional<String> payload(Connection c, UUID id) throws SQLException {
        return Sql.find(c, "select payload from webhook_deliveries where id = ?", rs -> rs.getString(1), id);
    }

    List<WebhookDelivery.Attempt> attempts(Connection c, UUID deliveryId) throws SQLException {
        return Sql.list(c, "select * from webhook_attempts where delivery_id = ? order by attempt", rs -> new WebhookDelivery.Attempt(
                rs.getInt("attempt"), Sql.instant(rs, "at"), optionalInt(rs, "status"), rs.getLong("latency_ms"),
                Optional.ofNullable(rs.getString("error")), Optional.ofNullable(rs.getString("response_excerpt"))), deliveryId);
    }

    /**
     * Send again: a finished delivery becomes pending, out of order (it neither waits for the key's
     * other events nor holds them back) with a fresh retry budget; a pending one becomes due now.
     */
    int redeliver(Connection c, UUID endpointId, UUID id) throws SQLException {
        return Sql.update(c, "update webhook_deliveries set next_attempt_at = now(), "
                + "ordered = case when state = 'pending' then ordered else false end, "
                + "retry_from = case when state = 'pending' then retry_from else null end, "
                + "finished_at = null, state = 'pending' where endpoint_id = ? and id = ?", endpointId, id);
    }

    // --- the dispatcher ---

    /** An endpoint whose new events are taken, locked so that one server does it. */
    record Cursor(UUID endpointId, UUID orgId, String cursor) {}

    /**
     * Active endpoints whose app may read their organization, with fewer than {@code maxBacklog}
     * pending deliveries, after {@code afterId}, locked (skip the locked ones).
     */
    List<Cursor> lockCursors(Connection c, UUID afterId, int limit, int maxBacklog) throws SQLException {
        return Sql.list(c, "select e.id, e.org_id, e.feed_cursor from webhook_endpoints e join oidc_clients a on a.id = e.client "
                + "where e.status = 'active' and e.id > ? and " + APP_MAY_READ + " "
                + "and (select count(*) from (select 1 from webhook_deliveries d where d.endpoint_id = e.id and d.state = 'pending' limit ?) b) < ? "
                + "order by e.id limit ? for update of e skip locked",
                rs -> new Cursor(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)), afterId, maxBacklog, maxBacklog, limit);
    }

    void addDeliveries(Connection c, UUID endpointId, List<EventFeed.Event> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into webhook_deliveries (id, endpoint_id, event_id, event_type, "
                + "ordering_key, payload) values (?, ?, ?, ?, ?, ?) on conflict (endpoint_id, event_id) do nothing")) {
            for (EventFeed.Event e : events) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, endpointId);
                ps.setString(3, e.id());
                ps.setString(4, e.type());
                ps.setString(5, e.orderingKey());
                ps.setString(6, e.json());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Sql.update(c, "update webhook_endpoints set feed_cursor = ? where id = ?", events.getLast().cursor(), endpointId);
    }

    /** An endpoint with deliveries due now that nobody holds. */
    record Due(UUID endpointId, UUID orgId) {}

    List<Due> endpointsWithDueWork(Connection c, int limit) throws SQLException {
        return Sql.list(c, "select e.id, e.org_id from webhook_endpoints e join oidc_clients a on a.id = e.client "
                + "where e.status = 'active' and " + APP_MAY_READ + " and exists ("
                + "select 1 from webhook_deliveries d where d.endpoint_id = e.id and d.state = 'pending' and d.next_attempt_at <= now() "
                + "and (d.lease_until is null or d.lease_until < now())) order by e.last_success_at nulls first limit ?",
                rs -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)), limit);
    }

    /** A delivery this server now holds (its lease), with what sending it needs. */
    record Claimed(UUID id, UUID endpointId, UUID orgId, String url, byte[] sealedSecret, String eventId, String payload,
                   int attempt, UUID leaseId, boolean abandoned) {}

    /**
     * Takes up to {@code limit} due deliveries of an endpoint: pending, not held by a live lease,
     * and (when ordered) with no earlier pending delivery of the same key, so a key's events go out
     * one at a time in feed order. {@code for update skip locked}: two servers never take the same
     * row; the lease keeps it taken after the commit. A row whose lease ran out was abandoned by a
     * server that stopped mid-delivery.
     */
    List<Claimed> claim(Connection c, UUID endpointId, int limit, Duration lease) throws SQLException {
        UUID leaseId = UUID.randomUUID();
        return Sql.list(c, "with due as (select d.id, d.lease_until is not null as abandoned from webhook_deliveries d "
                + "where d.endpoint_id = ? and d.state = 'pending' and d.next_attempt_at <= now() "
                + "and (d.lease_until is null or d.lease_until < now()) "
                + "and (not d.ordered or not exists (select 1 from webhook_deliveries p where p.endpoint_id = d.endpoint_id "
                + "  and p.ordering_key = d.ordering_key and p.state = 'pending' and p.ordered and p.seq < d.seq)) "
                + "order by d.next_attempt_at, d.seq limit ? for update of d skip locked) "
                + "update webhook_deliveries d set lease_until = now() + ? * interval '1 millisecond', lease_id = ?, attempts = d.attempts + 1, "
                + "retry_from = coalesce(d.retry_from, now()), last_attempt_at = now() "
                + "from due, webhook_endpoints e, oidc_clients a where d.id = due.id and e.id = d.endpoint_id and e.status = 'active' "
                + "and a.id = e.client and " + APP_MAY_READ + " "
                + "returning d.id, d.endpoint_id, e.org_id, e.url, e.sealed_secret, d.event_id, d.payload, d.attempts, due.abandoned",
                rs -> new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getString(4),
                        rs.getBytes(5), rs.getString(6), rs.getString(7), rs.getInt(8), leaseId, rs.getBoolean(9)),
                endpointId, limit, lease.toMillis(), leaseId);
    }

    /** The attempt a crashed server made and never recorded, so the log shows it. */
    void recordAbandoned(Connection c, Claimed d) throws SQLException {
        Sql.update(c, "insert into webhook_attempts (delivery_id, attempt, error) values (?, ?, ?) on conflict do nothing",
                d.id(), d.attempt() - 1, "no result: the server sending it stopped before it could record one (sent again)");
    }

    /** Still holding the lease? A server that lost it (it ran out) leaves the row to the one that took it over. */
    boolean holdsLease(Connection c, Claimed d) throws SQLException {
        return Sql.find(c, "select 1 from webhook_deliveries where id = ? and lease_id = ? for update", rs -> true, d.id(), d.leaseId()).isPresent();
    }

    void recordAttempt(Connection c, Claimed d, Sender.Outcome o) throws SQLException {
        Integer status = o instanceof Sender.Outcome.Answered a ? a.status() : null;
        String error = switch (o) {
            case Sender.Outcome.Answered a -> a.status() / 100 == 2 ? null : "HTTP " + a.status();
            case Sender.Outcome.Failed f -> f.error();
        };
        String excerpt = o instanceof Sender.Outcome.Answered a ? a.excerpt() : null;
        Sql.update(c, "insert into webhook_attempts (delivery_id, attempt, status, latency_ms, error, response_excerpt) "
                + "values (?, ?, ?, ?, ?, ?) on conflict do nothing", d.id(), d.attempt(), status, (int) o.latencyMs(), error, excerpt);
        Sql.update(c, "update webhook_deliveries set last_status = ?, last_error = ?, last_latency_ms = ? where id = ?",
                status, error, (int) o.latencyMs(), d.id());
    }

    void succeeded(Connection c, Claimed d) throws SQLException {
        Sql.update(c, "update webhook_deliveries set state = 'succeeded', finished_at = now(), lease_until = null, lease_id = null where id = ?", d.id());
        Sql.update(c, "update webhook_endpoints set consecutive_failures = 0, failing_since = null, last_success_at = now() where id = ?",
                d.endpointId());
    }

    /** The retry budget's end ({@code retry_from} + retryFor) has passed: dead-letter; else wait for {@code delay}, never past the end. */
    void failed(Connection c, Claimed d, Duration delay, Duration retryFor) throws SQLException {
        Sql.update(c, "update webhook_deliveries set lease_until = null, lease_id = null, "
                + "state = case when now() >= retry_from + ? * interval '1 millisecond' then 'dead' else 'pending' end, "
                + "finished_at = case when now() >= retry_from + ? * interval '1 millisecond' then now() end, "
                + "next_attempt_at = least(now() + ? * interval '1 millisecond', retry_from + ? * interval '1 millisecond') where id = ?",
                retryFor.toMillis(), retryFor.toMillis(), delay.toMillis(), retryFor.toMillis(), d.id());
        Sql.update(c, "update webhook_endpoints set consecutive_failures = consecutive_failures + 1, "
                + "failing_since = coalesce(failing_since, now()), last_failure_at = now() where id = ?", d.endpointId());
    }

    /** Pauses the endpoint if it has failed {@code failures} times in a row for {@code period}; the reason when it did. */
    Optional<String> pauseIfFailing(Connection c, UUID endpointId, int failures, Duration period) throws SQLException {
        return Sql.find(c, "update webhook_endpoints set status = 'paused', paused_at = now(), pause_reason = "
                + "'failed ' || consecutive_failures || ' times in a row since ' || to_char(failing_since at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                + "|| ' UTC' || coalesce(' (last: ' || left((select last_error from webhook_deliveries where endpoint_id = ? "
                + "and last_attempt_at is not null order by last_attempt_at desc limit 1), 200) || ')', '') "
                + "where id = ? and status = 'active' and consecutive_failures >= ? and failing_since <= now() - ? * interval '1 millisecond' "
                + "returning pause_reason", rs -> rs.getString(1), endpointId, endpointId, failures, period.toMillis());
    }

    /** The endpoint by id alone (the dispatcher knows no organization in advance). */
    Optional<WebhookEndpoint> find(Connection c, UUID id) throws SQLException {
        return Sql.find(c, ENDPOINT + "where e.id = ?", WebhookStore::endpoint, id);
    }

    /** Finished deliveries (and their attempts) older than {@code keep}, at most {@code limit} at a time. */
    int sweep(Connection c, Duration keep, int limit) throws SQLException {
        return Sql.update(c, "delete from webhook_deliveries where id in (select id from webhook_deliveries where state <> 'pending' "
                + "and finished_at < now() - ? * interval '1 millisecond' limit ?)", keep.toMillis(), limit);
    }

    private static WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
        return new WebhookEndpoint(rs.getObject("id", UUID.class), rs.getObject("client", UUID.class), rs.getString("client_id"),
                rs.getString("app_name"), rs.getObject("org_id", UUID.class), rs.getString("url"), rs.getString("secret_hint"),
                "paused".equals(rs.getString("status")), rs.getInt("consecutive_failures"), Sql.optionalInstant(rs, "failing_since"),
                Sql.optionalInstant(rs, "last_success_at"), Sql.optionalInstant(rs, "last_failure_at"), Sql.optionalInstant(rs, "paused_at"),
                Optional.ofNullable(rs.getString("pause_reason")), rs.getString("created_by"), Sql.instant(rs, "created_at"));
    }

    private static WebhookDelivery delivery(ResultSet rs) throws SQLException {
        Optional<Integer> latency = optionalInt(rs, "last_latency_ms");
        return new WebhookDelivery(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class), rs.getString("event_id"),
                rs.getString("event_type"), WebhookDelivery.State.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)),
                rs.getBoolean("ordered"), rs.getBoolean("in_flight"), rs.getInt("attempts"), Sql.instant(rs, "next_attempt_at"),
                Sql.optionalInstant(rs, "last_attempt_at"), optionalInt(rs, "last_status"), latency.map(Integer::longValue),
                Optional.ofNullable(rs.getString("last_error")), Sql.instant(rs, "created_at"), Sql.optionalInstant(rs, "finished_at"));
    }

    private static Optional<Integer> optionalInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
