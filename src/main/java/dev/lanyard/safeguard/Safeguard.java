package dev.lanyard.safeguard;

import dev.lanyard.account.AccountProfile;
import dev.lanyard.account.DeprovisionGuard;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The safeguard's check ({@link DeprovisionGuard}), asked by each deactivation and SCIM DELETE:
 * counts the IdP's removals of active accounts per organization and minute, trips when one more
 * would be too many ({@link SafeguardSettings#tooMany}), and from then on records every
 * deactivation and deletion as a {@link HeldChange} instead of applying it, until an admin resumes.
 *
 * <p>Removals of one organization do not wait for each other's commits. Each is counted first, in
 * a short transaction of its own ({@link #reserve}: the organization's count lock, this minute's
 * bucket + 1, the window's sum with it): reservations are counted one after another, so the
 * r-th removal of the window sees r, and two concurrent removals cannot both see room for one more.
 * Then the removal's transaction ({@link #check}) takes the organization's lock SHARED (the admin's
 * actions take it exclusive) and decides by its reservation's rank; a removal not applied takes its
 * 1 back, so the count stays exact. Concurrent removals that end up not applied may make a later
 * one see a count too high for a moment: that errs on the safe side (held a little early), never
 * the other way.
 */
final class Safeguard implements DeprovisionGuard {
    /**
     * What the IdP is told to wait. Okta shows the failure in Dashboard > Tasks for an admin to
     * retry, Entra retries on its own backoff (docs/safeguard.md); a retry before the admin acts
     * is held again, harmlessly, and after a release it finds the change made.
     */
    static final int RETRY_AFTER_SECONDS = 900;
    /** How long a count of the active accounts serves the percent rule before it is counted again. */
    static final Duration BASE_MAX_AGE = Duration.ofMinutes(5);
    /** How old a count may still serve the other removals while one removal counts again. */
    static final Duration BASE_MAX_AGE_WHILE_COUNTING = BASE_MAX_AGE.multipliedBy(2);

    /**
     * A removal counted ahead of its transaction: its reservation row ({@code seq}, the order of
     * counting), its bucket, and the removals within {@code window} with it ({@code rank}).
     */
    record Reservation(long seq, Instant minute, long rank, Duration window) implements Ticket {}

    private final SafeguardStore store;

    Safeguard(SafeguardStore store) {
        this.store = store;
    }

    @Override
    public Optional<Ticket> reserve(Connection c, UUID orgId) throws SQLException {
        return reserve(c, orgId, 1).getFirst();
    }

    @Override
    public List<Optional<Ticket>> reserve(Connection c, UUID orgId, int removals) throws SQLException {
        // None while off or tripped: the removal's transaction checks again, and asks for one if it needs it.
        List<SafeguardStore.Reserved> reserved = store.reserve(c, orgId, removals);
        if (reserved.isEmpty()) return Collections.nCopies(removals, Optional.empty());
        if (reserved.size() != removals) throw new IllegalStateException("counted " + reserved.size() + " of " + removals + " removals");
        if (reserved.getFirst().newMinute()) store.sweep(c, orgId);
        return reserved.stream()
                .map(r -> Optional.<Ticket>of(new Reservation(r.seq(), r.minute(), r.rank(), r.window())))
                .toList();
    }

    @Override
    public Set<UUID> enterWithoutWaiting(Connection c, Collection<UUID> orgIds) throws SQLException {
        return store.lockSharedWithoutWaiting(c, orgIds);
    }

    @Override
    public Verdict check(Connection c, ManagedAccount current, Removal removal, Optional<Ticket> ticket,
                         Optional<AccountProfile> profile, Actor actor) throws SQLException {
        UUID orgId = current.orgId();
        Optional<Reservation> reservation = ticket.map(Reservation.class::cast);
        // The organization's lock shared, then the row read after it (a statement of its own, in the
        // same round trip): an admin's resume or new settings are seen.
        SafeguardStore.Claimed claimed = store.lockSharedAndClaim(c, orgId, reservation.map(Reservation::seq));
        Rows rows = new Rows(new HashMap<>(Map.of(orgId, claimed.row())));
        return decide(c, rows, current, removal, claimed.claimed() ? reservation : Optional.empty(), profile, actor);
    }

    /**
     * The batch's removals claimed and their organizations' rows read in one statement (their
     * organizations' locks were taken shared by {@link #enterWithoutWaiting}, in an earlier
     * statement of this transaction, so the read comes after them and sees an admin's resume or
     * new settings), then each decided as {@link #check} decides it, in the batch's order. A
     * decision that changes its organization's row (a trip, a new count of the base) has the row
     * read again for the next removal of that organization; another transaction's change that
     * commits meanwhile is seen by the next batch, as a removal alone sees it only if it committed
     * before its read. Before (issue 16): one claim and read per removal, a round trip each inside
     * the transaction that holds the batch's row locks.
     */
    @Override
    public List<Verdict> checkAll(Connection c, List<Check> checks) throws SQLException {
        List<Reservation> tickets = checks.stream().flatMap(k -> k.ticket().stream()).map(Reservation.class::cast).toList();
        List<UUID> ticketOrgs = checks.stream().filter(k -> k.ticket().isPresent()).map(k -> k.current().orgId()).toList();
        SafeguardStore.ClaimedAll claimed = store.claimAll(c, checks.stream().map(k -> k.current().orgId()).distinct().toList(),
                tickets.stream().map(Reservation::seq).toList(), ticketOrgs);
        Rows rows = new Rows(new HashMap<>(claimed.rows()));
        List<Verdict> verdicts = new ArrayList<>(checks.size());
        for (Check k : checks) {
            Optional<Reservation> reservation = k.ticket().map(Reservation.class::cast);
            Optional<Reservation> counted = reservation.filter(r -> claimed.seqs().contains(r.seq()));
            verdicts.add(decide(c, rows, k.current(), k.removal(), counted, k.profile(), k.actor()));
        }
        return verdicts;
    }

    /**
     * The organizations' rows a transaction decides by: each as read after its lock, and read
     * again once this transaction changed it ({@link #changed}).
     */
    private final class Rows {
        private final Map<UUID, SafeguardStore.Row> known;

        Rows(Map<UUID, SafeguardStore.Row> known) {
            this.known = known;
        }

        SafeguardStore.Row of(Connection c, UUID orgId) throws SQLException {
            SafeguardStore.Row row = known.get(orgId);
            if (row == null) {
                row = store.row(c, orgId);
                known.put(orgId, row);
            }
            return row;
        }

        void changed(UUID orgId) {
            known.remove(orgId);
        }
    }

    /**
     * The verdict for one removal whose reservation this transaction settles ({@code counted}: it
     * claimed it; empty when there was none to claim).
     */
    private Verdict decide(Connection c, Rows rows, ManagedAccount current, Removal removal, Optional<Reservation> counted,
                           Optional<AccountProfile> profile, Actor actor) throws SQLException {
        UUID orgId = current.orgId();
        SafeguardStore.Row row = rows.of(c, orgId);
        // From here this transaction settles the reservation: a removal it does not apply takes its 1 back.
        if (!row.settings().enabled()) return notCounted(c, orgId, counted, APPLY);
        // Removals counted before the one that tripped it were within the limit and still apply.
        boolean beforeTrip = counted.isPresent() && row.tripSeq().isPresent() && counted.get().seq() < row.tripSeq().get();
        if (row.trippedAt().isPresent() && !beforeTrip) {
            return notCounted(c, orgId, counted, held(c, current, removal, profile, actor, row.tripReason().orElse("")));
        }
        // Only an active account's loss counts: a DELETE of a deactivated user takes no access away.
        if (!current.active()) return notCounted(c, orgId, counted, APPLY);
        // Not counted (none was made, or a resume voided it), or counted over another window: count again.
        if (counted.isEmpty() || !counted.get().window().equals(row.settings().window())) {
            return notCounted(c, orgId, counted, RESERVE_FIRST);
        }
        Reservation r = counted.get();
        long base = r.rank() >= SafeguardSettings.PERCENT_RULE_FROM ? activeAtWindowStart(c, rows, orgId, row) : 0;
        Optional<String> tooMany = row.settings().tooMany(r.rank(), base);
        if (tooMany.isEmpty()) return APPLY;  // the reservation's 1 stays: it counts this removal
        // The settings row before the bucket row, as the base recount above (saveBase) writes them:
        // in the other order two removals over the limit deadlocked (one had saved the base and
        // waited for the bucket, the other had taken the bucket back and waited to trip).
        String reason = tooMany.get();
        if (store.trip(c, orgId, reason, r.seq())) {
            AuditTrail.record(c, orgId, Actor.SYSTEM, SafeguardService.TRIPPED, AuditTrail.Target.NONE,
                    AuditTrail.detail("reason", reason).put("by", actor.text()));
        } else {
            reason = store.row(c, orgId).tripReason().orElse(reason);  // another removal tripped it first: its reason stands
        }
        rows.changed(orgId);
        store.uncount(c, orgId, r.minute());
        return held(c, current, removal, profile, actor, reason);
    }

    /** The removal is not counted: the reservation this transaction claimed takes its 1 back, with it. */
    private Verdict notCounted(Connection c, UUID orgId, Optional<Reservation> counted, Verdict verdict) throws SQLException {
        if (counted.isPresent()) store.uncount(c, orgId, counted.get().minute());
        return verdict;
    }

    @Override
    public void giveBack(Connection c, Ticket ticket) throws SQLException {
        store.giveBack(c, ((Reservation) ticket).seq());
    }

    /**
     * The active accounts when the window began: those active now and those removed within it.
     * Counted at most every {@link #BASE_MAX_AGE}, so a mass deactivation in an organization of a
     * million does not count a million rows each time, and by one removal at a time. While it
     * counts (217 ms at a million accounts, measured), the other removals use the last count if it
     * is younger than {@link #BASE_MAX_AGE_WHILE_COUNTING} instead of all waiting for the new one;
     * with none that recent, they wait for it and use it.
     */
    private long activeAtWindowStart(Connection c, Rows rows, UUID orgId, SafeguardStore.Row row) throws SQLException {
        if (recent(row, BASE_MAX_AGE)) return row.baseActive().get();
        if (recent(row, BASE_MAX_AGE_WHILE_COUNTING)) {
            if (!store.tryLockBase(c, orgId)) return row.baseActive().get();
        } else {
            store.lockBase(c, orgId);
        }
        SafeguardStore.Row again = store.row(c, orgId);
        if (recent(again, BASE_MAX_AGE)) return again.baseActive().get();
        // This removal's reservation row is already deleted in this transaction while its account is
        // still active: the count has it twice (as active and as removed), once too many.
        long base = store.activeAtWindowStart(c, orgId, row.settings().window()) - 1;
        store.saveBase(c, orgId, base);
        rows.changed(orgId);
        return base;
    }

    private static boolean recent(SafeguardStore.Row row, Duration maxAge) {
        return row.baseActive().isPresent() && row.baseAt().isPresent()
                && row.baseAt().get().isAfter(Instant.now().minus(maxAge));
    }

    private Verdict held(Connection c, ManagedAccount current, Removal removal, Optional<AccountProfile> profile, Actor actor,
                         String reason) throws SQLException {
        return new Verdict.Held(hold(c, current, removal, profile, actor, reason));
    }

    private Hold hold(Connection c, ManagedAccount current, Removal removal, Optional<AccountProfile> profile, Actor actor,
                      String reason) throws SQLException {
        HeldChange.Kind kind = removal == Removal.DELETE ? HeldChange.Kind.DELETE : HeldChange.Kind.DEACTIVATE;
        store.hold(c, current.orgId(), current.scimId().orElseThrow(), current.id(), current.email(), kind, current.version(),
                kind == HeldChange.Kind.DELETE ? Optional.empty() : profile, actor);
        return new Hold(detail(reason), RETRY_AFTER_SECONDS);
    }

    /** What the IdP (and its admin, reading the IdP's error list) is told. */
    static String detail(String reason) {
        return "Lanyard's mass-deprovisioning safeguard held this change and did not apply it: " + reason
                + ". Until an admin of this organization acts, Lanyard holds every deactivation and deletion. "
                + "Admin: check the IdP's assignments and sync scope, then open the Lanyard console, "
                + "User provisioning > Held changes, and release or reject the held changes.";
    }
}
