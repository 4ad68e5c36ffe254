package dev.lanyard.audit;

import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reading an organization's audit trail: pages by keyset (never OFFSET), a bounded count, an
 * export that streams any number of entries in bounded memory, and the retention sweep. Writing
 * is {@link AuditTrail#record}, in the changing transaction.
 */
public final class AuditTrailService {
    public static final int MAX_PAGE = 500;
    /** Counts stop here ("10,000 or more"): a count must not cost more than the page it sits on. */
    public static final int COUNT_CAP = 10_000;
    /** Entries an export reads per query: the most it holds in memory at once. */
    static final int EXPORT_BATCH = 500;
    static final int SWEEP_BATCH = 1_000;
    /** Batches one sweep deletes at most (the next hour takes the rest): a sweep never runs for long. */
    static final int SWEEP_MAX_BATCHES = 200;
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    private final Transactions tx;

    public AuditTrailService(Transactions tx) {
        this.tx = tx;
    }

    /**
     * Which entries: {@code action} is a whole code ({@code token.issued}) or an area
     * ({@code token}); {@code actor} is an actor's stored text ({@code operator},
     * {@code console:<id>}) or the start of its name in any letter case ({@code ann@});
     * {@code since} included, {@code until} not. {@code before} (older than that entry) and
     * {@code after} (newer) page by keyset.
     */
    public record Query(Optional<String> action, Optional<String> actor, Optional<Instant> since, Optional<Instant> until,
                        Optional<Long> before, Optional<Long> after, int limit) {
        public Query {
            action = action.map(String::strip).filter(a -> !a.isEmpty());
            actor = actor.map(String::strip).filter(a -> !a.isEmpty());
            action.ifPresent(a -> {
                if (a.length() > AuditAction.MAX_CODE || !ACTION.matcher(a).matches()) {
                    throw new DomainException.Invalid("action must be an action such as token.issued or an area such as token");
                }
            });
            actor.ifPresent(a -> {
                if (a.length() > 320) throw new DomainException.Invalid("actor is longer than 320 characters");
            });
            if (before.isPresent() && after.isPresent()) throw new DomainException.Invalid("send before or after, not both");
            limit = Math.clamp(limit, 1, MAX_PAGE);
        }

        public static Query all() {
            return new Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    MAX_PAGE);
        }

        public Query withoutPaging() {
            return new Query(action, actor, since, until, Optional.empty(), Optional.empty(), limit);
        }
    }

    /**
     * A page, newest first. {@code older} / {@code newer} are the ids to page on with
     * {@code before} / {@code after}, when entries lie that way.
     */
    public record Page(List<AuditEntry> entries, Optional<Long> older, Optional<Long> newer) {}

    /** How many entries match; {@code atLeast} when there are {@link #COUNT_CAP} or more (the count stopped). */
    public record Count(long count, boolean atLeast) {}

    public Page list(UUID orgId, Query q) {
        return tx.readSnapshot(c -> {
            Optional<AuditTrailStore.Key> before = resolve(c, orgId, q.before());
            Optional<AuditTrailStore.Key> after = resolve(c, orgId, q.after());
            if ((q.before().isPresent() && before.isEmpty()) || (q.after().isPresent() && after.isEmpty())) {
                return new Page(List.of(), Optional.empty(), Optional.empty());
            }
            List<AuditEntry> found = AuditTrailStore.list(c, orgId, q, before, after, q.limit() + 1);
            boolean more = found.size() > q.limit();
            List<AuditEntry> shown = new ArrayList<>(found.subList(0, Math.min(q.limit(), found.size())));
            if (after.isPresent()) {
                java.util.Collections.reverse(shown);  // read oldest first from the seek, shown newest first
                return new Page(shown, shown.isEmpty() ? Optional.empty() : Optional.of(shown.getLast().id()),
                        more ? Optional.of(shown.getFirst().id()) : Optional.empty());
            }
            return new Page(shown, more ? Optional.of(shown.getLast().id()) : Optional.empty(),
                    before.isPresent() && !shown.isEmpty() ? Optional.of(shown.getFirst().id()) : Optional.empty());
        });
    }

    /** The entries matching the filters (paging ignored), counted up to {@link #COUNT_CAP}. */
    public Count count(UUID orgId, Query q) {
        long n = tx.read(c -> AuditTrailStore.count(c, orgId, q, COUNT_CAP));
        return new Count(n, n >= COUNT_CAP);
    }

    public Optional<AuditEntry> find(UUID orgId, long id) {
        return tx.read(c -> AuditTrailStore.find(c, orgId, id));
    }

    /**
     * Every matching entry, newest first, handed to {@code sink} one by one: read
     * {@value #EXPORT_BATCH} at a time by keyset, each batch a short read of its own, so memory
     * stays bounded however many there are and no database connection waits on a slow client
     * while the entries are written out. Entries written after the export began are not in it.
     *
     * @return how many entries were exported
     */
    public long export(UUID orgId, Query q, Consumer<AuditEntry> sink) {
        Query batchQuery = new Query(q.action(), q.actor(), q.since(), q.until(), Optional.empty(), Optional.empty(), EXPORT_BATCH);
        Optional<Long> newest = tx.read(c -> AuditTrailStore.newestId(c, orgId));
        if (newest.isEmpty()) return 0;
        Optional<AuditTrailStore.Key> from = tx.read(c -> AuditTrailStore.key(c, orgId, newest.get()))
                .map(k -> new AuditTrailStore.Key(k.at(), k.id() + 1));
        long n = 0;
        while (from.isPresent()) {
            Optional<AuditTrailStore.Key> seek = from;
            List<AuditEntry> batch = tx.read(c -> AuditTrailStore.list(c, orgId, batchQuery, seek, Optional.empty(), EXPORT_BATCH));
            for (AuditEntry e : batch) sink.accept(e);
            n += batch.size();
            from = batch.size() < EXPORT_BATCH ? Optional.empty()
                    : Optional.of(new AuditTrailStore.Key(batch.getLast().at(), batch.getLast().id()));
        }
        return n;
    }

    /**
     * Deletes entries older than {@code cutoff}, {@value #SWEEP_BATCH} per transaction and at most
     * {@value #SWEEP_MAX_BATCHES} batches a run; returns how many went.
     */
    public int sweep(Instant cutoff) {
        int total = 0;
        for (int i = 0; i < SWEEP_MAX_BATCHES; i++) {
            int gone = tx.inTransaction(c -> AuditTrailStore.deleteOlder(c, "audit_trail", cutoff, SWEEP_BATCH));
            total += gone;
            if (gone < SWEEP_BATCH) break;
        }
        return total;
    }

    /** The same sweep for the SAML sign-in log (saml_sign_in_log), which is a log and keeps the logs' retention. */
    public int sweepSignInLog(Instant cutoff) {
        int total = 0;
        for (int i = 0; i < SWEEP_MAX_BATCHES; i++) {
            int gone = tx.inTransaction(c -> AuditTrailStore.deleteOlder(c, "saml_sign_in_log", cutoff, SWEEP_BATCH));
            total += gone;
            if (gone < SWEEP_BATCH) break;
        }
        return total;
    }

    private static Optional<AuditTrailStore.Key> resolve(java.sql.Connection c, UUID orgId, Optional<Long> id) throws java.sql.SQLException {
        return id.isEmpty() ? Optional.empty() : AuditTrailStore.key(c, orgId, id.get());
    }
}
