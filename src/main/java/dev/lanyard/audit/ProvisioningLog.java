package dev.lanyard.audit;

import dev.lanyard.storage.Transactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The provisioning log: every SCIM request of an organization's IdP, kept for a number of days.
 *
 * <p>Requests are recorded off the request path: {@link #record} only queues the entry, and one
 * writer thread inserts them in batches, so logging adds no database round trip to a SCIM
 * request. The queue is bounded; if the database falls behind, entries are dropped and counted
 * ({@code lanyard_provisioning_log_dropped_total}) rather than slowing the IdP down. Each batch
 * also adds to the per-hour counts of provisioning_activity in the same transaction, so the
 * console's chart reads a few rows and always agrees with the log. Rows older than the retention
 * (log entries and hours alike) are deleted every hour, a batch at a time.
 */
public final class ProvisioningLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProvisioningLog.class);
    private static final int QUEUE = 10_000;
    /** The queue's bound in bytes too: entries are small (bodies are cut to Redaction.MAX_BODY), but 10,000 of the biggest would not be. */
    static final long QUEUE_BYTES = 16L << 20;
    /** Default storage budget per organization; over it, its oldest entries are deleted first. */
    public static final long DEFAULT_BUDGET_BYTES = Long.getLong("lanyard.log.budgetBytes", 256L << 20);
    /**
     * A batch is written when it holds {@link #BATCH} entries or {@link #BATCH_BYTES}, or
     * {@link #LINGER} after its first entry came: a busy IdP's requests share one commit (and one
     * update of each hour and usage row) instead of each paying for one (issue 16).
     */
    private static final int BATCH = 500;
    static final long BATCH_BYTES = 1L << 20;
    static final Duration LINGER = Duration.ofMillis(50);
    public static final int MAX_PAGE = 500;

    /** Which requests a reader wants. */
    public enum Outcome { ALL, FAILURES, SUCCESSES }

    /**
     * A page of the log: newest first, optionally only failures, within a time range, about one
     * account, before an id (older) or after one (the newer page, for Previous).
     */
    public record Query(Outcome outcome, Optional<Instant> since, Optional<Instant> until, Optional<Long> beforeId, int limit,
                        Optional<UUID> accountId, Optional<Long> afterId) {
        public Query {
            limit = Math.max(1, Math.min(MAX_PAGE, limit));
        }

        public Query(Outcome outcome, Optional<Instant> since, Optional<Instant> until, Optional<Long> beforeId, int limit,
                     Optional<UUID> accountId) {
            this(outcome, since, until, beforeId, limit, accountId, Optional.empty());
        }

        public Query(Outcome outcome, Optional<Instant> since, Optional<Instant> until, Optional<Long> beforeId, int limit) {
            this(outcome, since, until, beforeId, limit, Optional.empty());
        }
    }

    /** An entry as read back, with its id (the paging key). */
    public record Stored(long id, ProvisioningLogEntry entry) {}

    private final Transactions tx;
    private final ProvisioningLogStore store = new ProvisioningLogStore();
    private final ProvisioningActivityStore activity = new ProvisioningActivityStore();
    private final Duration retention;
    private final long budgetBytes;
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final BlockingQueue<ProvisioningLogEntry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Counter dropped;
    private final Thread writer;
    private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("provisioning-log-retention").daemon().factory());
    private final Object written = new Object();
    private volatile boolean closing;
    private long pending;

    public ProvisioningLog(Transactions tx, Duration retention, MeterRegistry metrics) {
        this(tx, retention, DEFAULT_BUDGET_BYTES, metrics);
    }

    /** @param budgetBytes what one organization's entries may take; the oldest go first beyond it */
    public ProvisioningLog(Transactions tx, Duration retention, long budgetBytes, MeterRegistry metrics) {
        this.tx = tx;
        this.retention = retention;
        this.budgetBytes = budgetBytes;
        this.dropped = Counter.builder("lanyard.provisioning_log.dropped").register(metrics);
        this.writer = Thread.ofVirtual().name("provisioning-log-writer").start(this::writeLoop);
        janitor.scheduleWithFixedDelay(this::purgeExpired, 1, 60, TimeUnit.MINUTES);
    }

    /** Queues an entry; never blocks the caller. */
    public void record(ProvisioningLogEntry entry) {
        if (closing) return;
        int size = entry.approxBytes();
        synchronized (written) {
            if (queuedBytes.get() + size > QUEUE_BYTES || !queue.offer(entry)) {
                dropped.increment();
                return;
            }
            queuedBytes.addAndGet(size);
            pending++;
        }
    }

    public List<Stored> list(UUID orgId, Query query) {
        return tx.read(c -> store.list(c, orgId, query)).stream()
                .map(r -> new Stored(r.id(), r.entry())).toList();
    }

    /** Counts stop here: beyond it the console says "more than 10,000". */
    public static final int COUNT_CAP = 10_000;

    /** A page of the log and how many entries match its filters over all pages (at most {@link #COUNT_CAP} + 1). */
    public record Page(List<Stored> entries, long matching) {}

    /** {@link #list} and the count of everything its filters match, read in one snapshot so they agree. */
    public Page page(UUID orgId, Query query) {
        return tx.readSnapshot(c -> new Page(store.list(c, orgId, query).stream().map(r -> new Stored(r.id(), r.entry())).toList(),
                store.countUpTo(c, orgId, query, COUNT_CAP + 1)));
    }

    /** One entry of the organization, e.g. for its detail page; another organization's id finds nothing. */
    public Optional<Stored> find(UUID orgId, long id) {
        return tx.read(c -> store.find(c, orgId, id)).map(r -> new Stored(r.id(), r.entry()));
    }

    /** Requests and failures per hour since {@code since} (at most 24 rows a day) and the time of the last request. */
    public ProvisioningActivity activity(UUID orgId, Instant since) {
        return tx.read(c -> new ProvisioningActivity(activity.hours(c, orgId, since), store.lastAt(c, orgId)));
    }

    /** Deletes entries older than the retention; returns how many. Also runs every hour. */
    public int purgeExpired() {
        return purgeOlderThan(Instant.now().minus(retention));
    }

    int purgeOlderThan(Instant cutoff) {
        return purgeOlderThan(cutoff, 10_000);
    }

    /** In transactions of at most {@code batch} deletions each, so no one transaction holds many row locks or much WAL. */
    int purgeOlderThan(Instant cutoff, int batch) {
        int total = 0;
        try {
            int deleted;
            do {
                deleted = tx.inTransaction(c -> store.purge(c, cutoff, batch));
                total += deleted;
            } while (deleted > 0);
            tx.inTransaction(c -> activity.purge(c, cutoff));
        } catch (RuntimeException e) {
            log.warn("provisioning log retention: deleting entries before {} failed", cutoff, e);
        }
        return total;
    }

    /** Waits until everything recorded so far is written (tests, shutdown). */
    public void flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (written) {
            while (pending > 0 && System.nanoTime() < deadline) written.wait(50);
        }
    }

    private void writeLoop() {
        while (!closing || !queue.isEmpty()) {
            List<ProvisioningLogEntry> batch = new ArrayList<>(BATCH);
            try {
                ProvisioningLogEntry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                long bytes = first.approxBytes();
                long deadline = System.nanoTime() + LINGER.toNanos();
                while (batch.size() < BATCH && bytes < BATCH_BYTES && !closing) {
                    long left = deadline - System.nanoTime();
                    ProvisioningLogEntry next = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                    bytes += next.approxBytes();
                }
                queuedBytes.addAndGet(-batch.stream().mapToLong(ProvisioningLogEntry::approxBytes).sum());
                write(batch);
                keepBudget(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                synchronized (written) {
                    pending -= batch.size();
                    written.notifyAll();
                }
            }
        }
    }

    private void write(List<ProvisioningLogEntry> batch) {
        try {
            insert(batch);
        } catch (RuntimeException batchFailed) {
            // One bad entry (an organization deleted meanwhile, or a path naming no organization)
            // must not lose the others: write them one by one.
            for (ProvisioningLogEntry e : batch) {
                try {
                    insert(List.of(e));
                } catch (RuntimeException one) {
                    dropped.increment();
                }
            }
        }
    }

    /**
     * Keeps each organization of the batch within its budget: while it takes more, its oldest
     * entries are deleted, just enough of them to get back under it (at most 1,000 a round and
     * 200 rounds per batch).
     */
    private void keepBudget(List<ProvisioningLogEntry> batch) {
        for (UUID org : batch.stream().map(ProvisioningLogEntry::orgId).distinct().toList()) {
            try {
                long used = tx.read(c -> store.usage(c, org));
                for (int round = 0; used > budgetBytes && round < 200; round++) {
                    long excess = used - budgetBytes;
                    used = tx.inTransaction(c -> store.deleteOldest(c, org, excess, 1000));
                }
            } catch (RuntimeException e) {
                log.warn("provisioning log: keeping organization {} within its budget failed", org, e);
            }
        }
    }

    /** The entries and their hourly counts, in one transaction: both or neither. */
    private void insert(List<ProvisioningLogEntry> entries) {
        tx.inTransaction(c -> {
            store.insert(c, entries);
            activity.add(c, entries);
            return null;
        });
    }

    @Override
    public void close() {
        closing = true;
        janitor.shutdownNow();
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
