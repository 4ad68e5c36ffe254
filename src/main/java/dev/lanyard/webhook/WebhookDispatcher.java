package dev.lanyard.webhook;

import dev.lanyard.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Each server's background delivery of webhooks (docs/webhooks.md). Every poll interval it
 * <ol>
 * <li>takes the new events of each active endpoint from the {@link EventFeed} into deliveries and
 *     moves the endpoint's cursor, in one transaction per batch of endpoints locked with
 *     {@code for update skip locked} (two servers never take the same events);</li>
 * <li>claims due deliveries per endpoint ({@link WebhookStore#claim}: a lease, the order rule) up to
 *     this server's free places for that endpoint, its organization and in all, and sends each on
 *     its own virtual thread, so one organization's slow endpoint holds at most its own places;</li>
 * <li>records each attempt and its outcome in one transaction, only while it still holds the lease:
 *     success, or a retry after exponential backoff with full jitter, dead-lettered once the retry
 *     period has passed; an endpoint failing long enough is paused and its admin told.</li>
 * </ol>
 * At-least-once: a server killed after sending and before recording leaves a lease that runs out,
 * and the delivery is sent again with the same {@code webhook-id}.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int ENDPOINTS_PER_BATCH = 100;
    private static final int EVENTS_PER_ENDPOINT = 500;
    /** Pending deliveries an endpoint may have before its new events wait in the feed. */
    static final int MAX_BACKLOG = 10_000;
    private static final Duration KEEP_FINISHED = Duration.ofDays(30);

    private final Transactions tx;
    private final EventFeed feed;
    private final SecretSeal seal;
    private final Sender sender;
    private final WebhookOptions options;
    private final WebhookStore store = new WebhookStore();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<UUID, AtomicInteger> perEndpoint = new ConcurrentHashMap<>();
    private final Map<UUID, AtomicInteger> perOrganization = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Thread loop;
    private volatile boolean running = true;
    private long lastSweep;

    public WebhookDispatcher(Transactions tx, EventFeed feed, byte[] sealKey, WebhookOptions options) {
        this.tx = tx;
        this.feed = feed;
        this.seal = new SecretSeal(sealKey);
        this.sender = new Sender(options.allowPrivate());
        this.options = options;
        this.loop = Thread.ofPlatform().daemon().name("webhook-dispatcher").unstarted(this::run);
    }

    public WebhookDispatcher start() {
        loop.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                fanOut();
                dispatch();
                sweep();
            } catch (RuntimeException e) {
                log.warn("webhook dispatch round failed; trying again in {} ms", options.pollInterval().toMillis(), e);
            }
            try {
                Thread.sleep(options.pollInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** New events into deliveries, endpoint by endpoint, each batch one transaction. */
    void fanOut() {
        UUID after = new UUID(0, 0);  // the nil UUID: PostgreSQL orders uuids as unsigned bytes, nothing sorts before it
        while (running) {
            UUID from = after;
            List<WebhookStore.Cursor> batch = tx.inTransaction(c -> {
                List<WebhookStore.Cursor> cursors = store.lockCursors(c, from, ENDPOINTS_PER_BATCH, MAX_BACKLOG);
                for (WebhookStore.Cursor cursor : cursors) {
                    List<EventFeed.Event> events = feed.after(c, cursor.orgId(), cursor.cursor(), EVENTS_PER_ENDPOINT);
                    if (!events.isEmpty()) store.addDeliveries(c, cursor.endpointId(), events);
                }
                return cursors;
            });
            if (batch.size() < ENDPOINTS_PER_BATCH) return;
            after = batch.getLast().endpointId();
        }
    }

    /** Claims what this server has room for and sends it. */
    void dispatch() {
        if (inFlight.get() >= options.maxInFlight()) return;
        for (WebhookStore.Due due : tx.read(c -> store.endpointsWithDueWork(c, 1000))) {
            int room = Math.min(options.maxInFlight() - inFlight.get(), Math.min(
                    options.maxPerEndpoint() - count(perEndpoint, due.endpointId()).get(),
                    options.maxPerOrganization() - count(perOrganization, due.orgId()).get()));
            if (room <= 0) continue;
            List<WebhookStore.Claimed> claimed = tx.inTransaction(c -> store.claim(c, due.endpointId(), room, options.lease()));
            for (WebhookStore.Claimed d : claimed) {
                inFlight.incrementAndGet();
                count(perEndpoint, d.endpointId()).incrementAndGet();
                count(perOrganization, d.orgId()).incrementAndGet();
                senders.execute(() -> {
                    try {
                        deliver(d);
                    } catch (RuntimeException e) {
                        log.warn("webhook delivery {} could not be recorded; its lease runs out and it is sent again", d.id(), e);
                    } finally {
                        inFlight.decrementAndGet();
                        count(perEndpoint, d.endpointId()).decrementAndGet();
                        count(perOrganization, d.orgId()).decrementAndGet();
                    }
                });
            }
            if (inFlight.get() >= options.maxInFlight()) return;
        }
    }

    private void deliver(WebhookStore.Claimed d) {
        if (d.abandoned()) tx.inTransaction(c -> {
            store.recordAbandoned(c, d);
            return null;
        });
        String secret = seal.open(d.endpointId(), d.sealedSecret());
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = System.currentTimeMillis() / 1000;
        Sender.Outcome outcome = sender.post(URI.create(d.url()), Map.of(
                "webhook-id", d.eventId(),
                "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", WebhookSignature.sign(secret, d.eventId(), timestamp, body)), body);
        boolean success = outcome instanceof Sender.Outcome.Answered a && a.status() / 100 == 2;
        java.util.Optional<String> paused = tx.inTransaction(c -> {
            if (!store.holdsLease(c, d)) {
                log.info("webhook delivery {} was taken over by another server (its lease ran out); this attempt's result is dropped", d.id());
                return java.util.Optional.<String>empty();
            }
            store.recordAttempt(c, d, outcome);
            if (success) {
                store.succeeded(c, d);
                return java.util.Optional.<String>empty();
            }
            store.failed(c, d, backoff(options, d.attempt(), ThreadLocalRandom.current()), options.retryFor());
            java.util.Optional<String> reason = store.pauseIfFailing(c, d.endpointId(), options.pauseAfterFailures(), options.pauseAfter());
            if (reason.isPresent()) {
                // The organization's admins are told: this entry in their audit trail, and the console's banner.
                WebhookService.audit(c, dev.lanyard.domain.Actor.SYSTEM, WebhookService.PAUSED, store.find(c, d.endpointId()).orElseThrow(),
                        dev.lanyard.audit.AuditTrail.detail("reason", reason.get()));
            }
            return reason;
        });
        paused.ifPresent(reason -> log.warn("webhook endpoint {} of organization {} paused: {}", d.endpointId(), d.orgId(), reason));
    }

    /**
     * Exponential backoff with full jitter: a uniform wait between 0 and min(max interval,
     * first retry × 2^(attempt-1)), so many failing deliveries do not all come back at once.
     */
    static Duration backoff(WebhookOptions options, int attempt, RandomGenerator random) {
        long ceiling = options.firstRetry().toMillis() << Math.min(Math.max(attempt - 1, 0), 30);
        ceiling = Math.min(Math.max(ceiling, 1), options.maxRetryInterval().toMillis());
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    /** Hourly: finished deliveries older than 30 days go, in bounded batches. */
    private void sweep() {
        long now = System.currentTimeMillis();
        if (now - lastSweep < Duration.ofHours(1).toMillis()) return;
        lastSweep = now;
        for (int i = 0; i < 100; i++) {
            if (tx.inTransaction(c -> store.sweep(c, KEEP_FINISHED, 1000)) < 1000) return;
        }
    }

    private static AtomicInteger count(Map<UUID, AtomicInteger> counts, UUID key) {
        return counts.computeIfAbsent(key, k -> new AtomicInteger());
    }

    /** Stops claiming; deliveries under way get 15 s to finish, the rest are left to their leases. */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(5_000);
            senders.shutdown();
            senders.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
    }
}
