package dev.lanyard.webhook;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.oidc.OidcClient;
import dev.lanyard.storage.Transactions;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook endpoints and their delivery log, as an organization's admin (console) and the operator
 * (admin API, CLI) manage them. An endpoint belongs to one app and one organization; Lanyard makes
 * its signing secret and shows it once. One public method = one transaction.
 */
public final class WebhookService {
    /** Endpoints per organization, all apps together. */
    public static final int MAX_ENDPOINTS_PER_ORG = 20;
    /** Deliveries on one page of the log. */
    public static final int PAGE = 50;
    static final AuditAction CREATED = AuditAction.of("webhook.created");
    static final AuditAction URL_CHANGED = AuditAction.of("webhook.url_changed");
    static final AuditAction SECRET_ROTATED = AuditAction.of("webhook.secret_rotated");
    static final AuditAction PAUSED = AuditAction.of("webhook.paused");
    static final AuditAction RESUMED = AuditAction.of("webhook.resumed");
    static final AuditAction DELETED = AuditAction.of("webhook.deleted");
    static final AuditAction REDELIVERED = AuditAction.of("webhook.redelivered");

    private final Transactions tx;
    private final ClientService apps;
    private final SecretSeal seal;
    private final EventFeed feed;
    private final Sender sender;
    private final boolean allowPrivate;
    private final WebhookStore store = new WebhookStore();

    public WebhookService(Transactions tx, ClientService apps, byte[] sealKey, EventFeed feed, WebhookOptions options) {
        this.tx = tx;
        this.apps = apps;
        this.seal = new SecretSeal(sealKey);
        this.feed = feed;
        this.sender = new Sender(options.allowPrivate());
        this.allowPrivate = options.allowPrivate();
    }

    /** A new endpoint and its secret, which is shown this once. */
    public record Created(WebhookEndpoint endpoint, String secret) {}

    /** One delivery in full: the log row, every attempt, and the body that was (or will be) sent. */
    public record Detail(WebhookDelivery delivery, List<WebhookDelivery.Attempt> attempts, String payload) {}

    /**
     * Registers {@code url} for {@code app} (id or client id) in the organization. The endpoint
     * receives the events committed after this moment (no backfill: the event feed serves history).
     */
    public Created create(UUID orgId, String app, String url, Actor by) {
        OidcClient client = appFor(orgId, app);
        String checked = EndpointUrl.check(url, sender, allowPrivate);
        String secret = WebhookSignature.newSecret();
        UUID id = UUID.randomUUID();
        return tx.inTransaction(c -> {
            // Serialises creations per organization, so the limit holds under concurrent requests.
            dev.lanyard.storage.Sql.find(c, "select 1 from organizations where id = ? for update", rs -> true, orgId);
            if (store.count(c, orgId) >= MAX_ENDPOINTS_PER_ORG) {
                throw new DomainException.Conflict("an organization has at most " + MAX_ENDPOINTS_PER_ORG + " webhook endpoints: delete one first");
            }
            store.insert(c, id, client.id(), orgId, checked, seal.seal(id, secret), hint(secret), feed.now(c), by.text());
            WebhookEndpoint created = store.find(c, orgId, id).orElseThrow();
            audit(c, by, CREATED, created, AuditTrail.detail("url", checked));
            return new Created(created, secret);
        });
    }

    public List<WebhookEndpoint> list(UUID orgId) {
        return tx.read(c -> store.list(c, orgId));
    }

    /** The organization's paused endpoints: what the console's banner names. */
    public List<WebhookEndpoint> paused(UUID orgId) {
        return list(orgId).stream().filter(WebhookEndpoint::paused).toList();
    }

    public WebhookEndpoint get(UUID orgId, UUID id) {
        return tx.read(c -> endpoint(c, orgId, id));
    }

    public WebhookEndpoint changeUrl(UUID orgId, UUID id, String url, Actor by) {
        String checked = EndpointUrl.check(url, sender, allowPrivate);
        return tx.inTransaction(c -> {
            WebhookEndpoint before = endpoint(c, orgId, id);
            store.setUrl(c, id, checked);
            audit(c, by, URL_CHANGED, before, AuditTrail.changes(java.util.Map.of("url", before.url()), java.util.Map.of("url", checked)));
            return endpoint(c, orgId, id);
        });
    }

    /** A new secret replaces the old one at once (shown this once); deliveries already sent keep their old signature. */
    public String rotateSecret(UUID orgId, UUID id, Actor by) {
        String secret = WebhookSignature.newSecret();
        tx.inTransaction(c -> {
            WebhookEndpoint e = endpoint(c, orgId, id);
            store.setSecret(c, id, seal.seal(id, secret), hint(secret));
            audit(c, by, SECRET_ROTATED, e, AuditTrail.detail());
            return null;
        });
        return secret;
    }

    /** By hand: nothing is sent until it is resumed; events keep arriving and wait. */
    public WebhookEndpoint pause(UUID orgId, UUID id, Actor by) {
        return tx.inTransaction(c -> {
            WebhookEndpoint e = endpoint(c, orgId, id);
            if (!e.paused()) {
                store.pause(c, id, "paused by hand");
                audit(c, by, PAUSED, e, AuditTrail.detail());
            }
            return endpoint(c, orgId, id);
        });
    }

    /** Active again: failures are forgotten and what waited is sent now, in order. */
    public WebhookEndpoint resume(UUID orgId, UUID id, Actor by) {
        return tx.inTransaction(c -> {
            WebhookEndpoint e = endpoint(c, orgId, id);
            store.resume(c, id);
            if (e.paused()) audit(c, by, RESUMED, e, AuditTrail.detail());
            return endpoint(c, orgId, id);
        });
    }

    /** The endpoint and its delivery log go; events are not lost (the feed keeps them), just no longer sent there. */
    public void delete(UUID orgId, UUID id, Actor by) {
        tx.inTransaction(c -> {
            WebhookEndpoint e = endpoint(c, orgId, id);
            store.delete(c, orgId, id);
            audit(c, by, DELETED, e, AuditTrail.detail("url", e.url()));
            return null;
        });
    }

    /** The delivery log, newest first, {@link #PAGE} at a time, before the delivery {@code before} (keyset). */
    public List<WebhookDelivery> deliveries(UUID orgId, UUID endpointId, Optional<WebhookDelivery.State> state, Optional<UUID> before) {
        return tx.readSnapshot(c -> {
            endpoint(c, orgId, endpointId);
            Optional<WebhookDelivery> from = before.isEmpty() ? Optional.empty() : store.delivery(c, endpointId, before.get());
            return store.deliveries(c, endpointId, state, from.map(WebhookDelivery::createdAt), from.map(WebhookDelivery::id), PAGE);
        });
    }

    public Detail delivery(UUID orgId, UUID endpointId, UUID deliveryId) {
        return tx.readSnapshot(c -> {
            endpoint(c, orgId, endpointId);
            WebhookDelivery d = store.delivery(c, endpointId, deliveryId)
                    .orElseThrow(() -> new DomainException.NotFound("no delivery " + deliveryId + " of this endpoint"));
            return new Detail(d, store.attempts(c, deliveryId), store.payload(c, deliveryId).orElse(""));
        });
    }

    /**
     * Sends a delivery again, with the same {@code webhook-id} (receivers that saw it drop it): a
     * dead-lettered or succeeded one out of order and with a fresh retry budget, a pending one now.
     */
    public WebhookDelivery redeliver(UUID orgId, UUID endpointId, UUID deliveryId, Actor by) {
        return tx.inTransaction(c -> {
            WebhookEndpoint e = endpoint(c, orgId, endpointId);
            if (store.redeliver(c, endpointId, deliveryId) == 0) throw new DomainException.NotFound("no delivery " + deliveryId + " of this endpoint");
            WebhookDelivery d = store.delivery(c, endpointId, deliveryId).orElseThrow();
            ObjectNode detail = AuditTrail.detail("delivery", d.id());
            detail.put("event", d.eventId());
            audit(c, by, REDELIVERED, e, detail);
            return d;
        });
    }

    /** One audit entry per change, in its transaction; the target is the endpoint, named by its app and URL. */
    static void audit(Connection c, Actor by, AuditAction action, WebhookEndpoint e, ObjectNode detail) throws SQLException {
        AuditTrail.record(c, e.orgId(), by, action, AuditTrail.Target.of("webhook", e.id(), e.appName() + " " + e.url()), detail);
    }

    private WebhookEndpoint endpoint(Connection c, UUID orgId, UUID id) throws SQLException {
        return store.find(c, orgId, id).orElseThrow(() -> notFound(id));
    }

    private OidcClient appFor(UUID orgId, String app) {
        if (app == null || app.isBlank()) throw new DomainException.Invalid("app is required: the app (client id) that receives the webhooks");
        OidcClient client = apps.get(app);
        // The Directory API's rule: no endpoint for an organization the app may not read.
        if (!apps.usableBy(client, orgId)) {
            throw new DomainException.Invalid("the app " + client.name() + " may not read this organization: the operator does not "
                    + "offer it to this organization, or the organization's admins turned it off");
        }
        return client;
    }

    private static String hint(String secret) {
        return secret.substring(secret.length() - 4);
    }

    private static DomainException notFound(UUID id) {
        return new DomainException.NotFound("no webhook endpoint " + id + " in this organization");
    }
}
