package dev.lanyard.account;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.FailureReason;
import dev.lanyard.organization.OrganizationStore;
import dev.lanyard.organization.UsernameChangePolicy;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.storage.SqlFilter;
import dev.lanyard.storage.Transactions;
import dev.lanyard.storage.UniqueViolation;
import dev.lanyard.storage.Batches;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of the product guide for managed accounts (docs/product-rules.md rules 6-10). Each public
 * method is one transaction.
 *
 * <ul>
 *   <li>The userName is the account's email; it is unique (any letter case) among the accounts
 *       the IdP manages, and a unique index, not this class, decides races.</li>
 *   <li>Changing the userName invalidates the account and creates its successor, which takes over
 *       the SCIM id. A change of letter case only ("Ann@x.com" to "ann@x.com") is the same
 *       address and the same account. Invalidated accounts are never revived: renaming back to a
 *       former userName creates yet another account. An organization whose username change
 *       policy is rename_in_place keeps the account instead and changes its email.</li>
 *   <li>active false / true deactivates / reactivates.</li>
 *   <li>A SCIM DELETE disables and unlinks; a later create with the same userName re-attaches
 *       the most recently disabled account with that email.</li>
 *   <li>Every account that is not active (deactivated, invalidated, disabled) may be deleted by
 *       hand. A deleted account that the IdP still held (deactivated) takes its SCIM id with it:
 *       the IdP's later GET, PUT, PATCH or DELETE of that id is 404, and its later POST of the
 *       same userName creates a new account.</li>
 * </ul>
 */
public final class AccountService {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AccountService.class);
    private final Transactions tx;
    private final AccountStore store = new AccountStore();
    private final OrganizationStore organizations = new OrganizationStore();
    private final DeprovisionGuard guard;
    private final Batches<AccountStore.Create, Written> creates;
    private final Batches<AccountStore.Change, Written> changes;
    private final Batches<AccountStore.Lookup, Optional<List<AccountStore.Keyed>>> lookups;
    private final Batches<Removal, Removed> removals;
    private final Batches<AccountStore.Read, Optional<Optional<Found>>> reads;

    /** What a create's or a change's batch did with it (storage.Batches). */
    private enum Written { YES, NO, ALONE }

    /**
     * SCIM creates, changes without a rename that take no access away, the IdPs' lookups
     * (the first page of one {@code eq} on a text attribute, their pre-check before a create), and
     * reads of one user by id (GET /Users/{id}, the read before a change) that
     * arrive together each go to PostgreSQL as one statement, and deactivations without a rename
     * as one transaction (issue 16): at most {@code BATCHES}
     * such statements of each kind at once, one per two processors (at least one), each of at
     * most {@value #BATCH_ITEMS} items and about a million characters of values. While a batch
     * runs the next one grows, and a bigger batch costs less per item: on 2 cores one create batch
     * at a time wrote 1.11 times the creates per second of two at a time, and three 0.96 times;
     * one lookup batch at a time read 1.18 times the lookups per second of two at a time, at 0.75
     * of the CPU per lookup (bench/side/ab, paired rounds; docs/performance.md, seventeenth and
     * eighteenth rounds), and again after the lookups kept their plan: two at a time read 0.92
     * times the lookups per second at 1.16 of the CPU (PostgreSQL's 1.48: smaller batches;
     * twenty-second round). An item waits at most as long as a request may wait for a connection.
     */
    static final int BATCHES = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    static final int BATCH_ITEMS = 32;
    private static final int BATCH_CHARS = 1 << 20;
    private static final int BATCH_WAITING = 4096;
    private static final java.time.Duration BATCH_WAIT = java.time.Duration.ofSeconds(10);

    public AccountService(Transactions tx) {
        this(tx, DeprovisionGuard.NONE);
    }

    /** With {@code guard} asked before each deactivation and SCIM DELETE (the mass-deprovisioning safeguard). */
    public AccountService(Transactions tx, DeprovisionGuard guard) {
        this.tx = tx;
        this.guard = guard;
        this.creates = new Batches<>(BATCHES, BATCH_ITEMS, BATCH_CHARS, BATCH_WAITING, BATCH_WAIT,
                AccountStore.Create::approxSize, this::write);
        this.changes = new Batches<>(BATCHES, BATCH_ITEMS, BATCH_CHARS, BATCH_WAITING, BATCH_WAIT,
                AccountStore.Change::approxSize, this::writeChanges);
        this.lookups = new Batches<>(BATCHES, BATCH_ITEMS, BATCH_CHARS, BATCH_WAITING, BATCH_WAIT,
                AccountStore.Lookup::approxSize, this::readLookups);
        this.removals = new Batches<>(BATCHES, BATCH_ITEMS, BATCH_CHARS, BATCH_WAITING, BATCH_WAIT,
                Removal::approxSize, this::writeRemovals);
        this.reads = new Batches<>(BATCHES, BATCH_ITEMS, BATCH_CHARS, BATCH_WAITING, BATCH_WAIT,
                AccountStore.Read::approxSize, this::readAll);
    }

    /**
     * A batch of reads by SCIM id: one alone is the statement it always was; several are one
     * statement per shape. Empty for each read of a batch PostgreSQL refused: each is then read alone.
     */
    private List<Optional<Optional<Found>>> readAll(List<AccountStore.Read> batch) {
        if (batch.size() == 1) {
            AccountStore.Read r = batch.get(0);
            return List.of(Optional.of(tx.read(c -> find(c, r.orgId(), r.scimId(), r.beside()))));
        }
        try {
            return tx.read(c -> store.findAllLinked(c, batch)).stream().map(Optional::of).toList();
        } catch (RuntimeException e) {
            log.debug("a batch of {} reads failed; each is read alone", batch.size(), e);
            return java.util.Collections.nCopies(batch.size(), Optional.empty());
        }
    }

    /**
     * A batch of lookups: one alone is the statement it always was; several are one statement per
     * shape. Empty for each lookup of a batch PostgreSQL refused: each is then read alone.
     */
    private List<Optional<List<AccountStore.Keyed>>> readLookups(List<AccountStore.Lookup> batch) {
        if (batch.size() == 1) {
            AccountStore.Lookup l = batch.get(0);
            return List.of(Optional.of(tx.read(c -> store.searchLinked(c, l.orgId(), l.query(), l.beside()))));
        }
        try {
            return tx.read(c -> store.searchAll(c, batch)).stream().map(Optional::of).toList();
        } catch (RuntimeException e) {
            log.debug("a batch of {} lookups failed; each is read alone", batch.size(), e);
            return java.util.Collections.nCopies(batch.size(), Optional.empty());
        }
    }

    /**
     * A batch of creates. One create alone is the statement it always was, and a unique violation
     * from it is its caller's 409. Several are one statement that skips what it cannot write
     * (the caller then does what one create does: re-attach, or 409). If PostgreSQL refuses the
     * batch, whatever the reason, each create of it is written again by itself, on its own
     * request's thread: one create's values, or one row another transaction held past the lock
     * timeout, then fails that create only, not the other organizations' creates beside it.
     */
    private List<Written> write(List<AccountStore.Create> batch) {
        if (batch.size() == 1) {
            return List.of(tx.autocommit(c -> store.insertUnlessDisabled(c, batch.get(0))) ? Written.YES : Written.NO);
        }
        try {
            java.util.Set<UUID> written = tx.autocommit(c -> store.insertAllUnlessDisabled(c, batch));
            return batch.stream().map(k -> written.contains(k.account().id()) ? Written.YES : Written.NO).toList();
        } catch (RuntimeException e) {
            log.debug("a batch of {} creates failed; each is written alone", batch.size(), e);
            return java.util.Collections.nCopies(batch.size(), Written.ALONE);
        }
    }

    /**
     * A batch of changes (PUT and PATCH without a rename that take no access away), as
     * {@link #write} for creates: one change alone is the statement it always was; several are one
     * statement, and a change it did not write is computed again by its caller, as when its row
     * moved on; a batch PostgreSQL refuses is written change by change.
     */
    private List<Written> writeChanges(List<AccountStore.Change> batch) {
        if (batch.size() == 1) {
            return List.of(tx.autocommit(c -> store.updateIfUnchangedWithEvent(c, batch.get(0))) ? Written.YES : Written.NO);
        }
        try {
            java.util.Set<Integer> written = tx.autocommit(c -> store.updateAllIfUnchangedWithEvent(c, batch));
            List<Written> results = new java.util.ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) results.add(written.contains(i) ? Written.YES : Written.NO);
            return results;
        } catch (RuntimeException e) {
            log.debug("a batch of {} changes failed; each is written alone", batch.size(), e);
            return java.util.Collections.nCopies(batch.size(), Written.ALONE);
        }
    }

    /** A page of accounts and how many match in all. */
    public record Page(long totalResults, List<ManagedAccount> accounts) {}

    /** Computes the new profile from the current account; runs outside any transaction and may run again. */
    @FunctionalInterface
    public interface ProfileChange<E extends Exception> {
        AccountProfile apply(ManagedAccount current) throws E;
    }

    /**
     * A deactivation without a rename, for {@link #writeRemovals}: the account as read, the change
     * computed from it ({@code change}, as a change without a rename is written), and the ticket
     * it holds from an earlier attempt.
     */
    private record Removal(ManagedAccount seen, AccountProfile profile, AccountStore.Change change, Actor actor,
                           Optional<DeprovisionGuard.Ticket> ticket) {
        /** The change's values, and the profile again for a change the guard holds (HeldChange). */
        int approxSize() {
            return 2 * change.approxSize();
        }
    }

    /**
     * What a batch of removals did with one: its attempt (as {@link #update}'s own transaction
     * returns it), or none when the removal is to be tried alone; and the ticket it holds now, for
     * its next attempt or to give back (none once a committed transaction settled it).
     */
    private record Removed(Optional<Attempt> attempt, Optional<DeprovisionGuard.Ticket> ticket) {}

    /**
     * A batch of deactivations without a rename (issue 16): the reservations of each organization
     * counted in one statement, then one transaction that locks the accounts in one statement, asks
     * the guard for each, one after another, exactly as each would alone, and writes those it lets
     * through as one statement, with one commit for all. The transaction does not wait for an
     * admin's action or for an account another transaction holds: such an organization's removals,
     * or such an account's, are left out of it and tried alone, on their requests' threads, where
     * waiting is their own business (so one organization cannot hold up another's removals). A batch that fails in any way (whatever it
     * counted stays with its removals) is tried removal by removal.
     */
    private List<Removed> writeRemovals(List<Removal> batch) {
        List<Optional<DeprovisionGuard.Ticket>> tickets = new ArrayList<>(batch.stream().map(Removal::ticket).toList());
        try {
            reserveMissing(batch, tickets);
            List<Optional<Attempt>> attempts = tx.inTransaction(c -> removeAll(c, batch, tickets));
            List<Removed> results = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Optional<Attempt> attempt = attempts.get(i);
                boolean settled = attempt.isPresent() && attempt.get().settled();
                results.add(new Removed(attempt, settled ? Optional.empty() : tickets.get(i)));
            }
            return results;
        } catch (RuntimeException e) {
            log.debug("a batch of {} removals failed; each is tried alone", batch.size(), e);
            return tickets.stream().map(t -> new Removed(Optional.empty(), t)).toList();
        }
    }

    /** Counts the removals that hold no ticket yet, each organization's in one statement (DeprovisionGuard#reserve). */
    private void reserveMissing(List<Removal> batch, List<Optional<DeprovisionGuard.Ticket>> tickets) {
        Map<UUID, List<Integer>> byOrg = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (tickets.get(i).isEmpty()) byOrg.computeIfAbsent(batch.get(i).seen().orgId(), k -> new ArrayList<>()).add(i);
        }
        for (var org : byOrg.entrySet()) {
            List<Integer> positions = org.getValue();
            List<Optional<DeprovisionGuard.Ticket>> got = tx.autocommit(c -> guard.reserve(c, org.getKey(), positions.size()));
            for (int j = 0; j < positions.size(); j++) tickets.set(positions.get(j), got.get(j));
        }
    }

    /** The batch's transaction ({@link #writeRemovals}): an attempt per removal, none for those to try alone. */
    private List<Optional<Attempt>> removeAll(Connection c, List<Removal> batch, List<Optional<DeprovisionGuard.Ticket>> tickets)
            throws SQLException {
        Set<UUID> entered = guard.enterWithoutWaiting(c, batch.stream().map(r -> r.seen().orgId()).distinct().toList());
        List<UUID> wanted = batch.stream().filter(r -> entered.contains(r.seen().orgId()))
                .map(r -> r.seen().scimId().orElseThrow()).distinct().toList();
        Map<UUID, ManagedAccount> locked = wanted.isEmpty() ? Map.of() : store.lockLinkedUnlessHeld(c, wanted);
        List<Optional<Attempt>> attempts = new ArrayList<>(batch.size());
        List<Integer> asked = new ArrayList<>();
        List<DeprovisionGuard.Check> checks = new ArrayList<>();
        Set<UUID> decided = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            Removal r = batch.get(i);
            ManagedAccount current = locked.get(r.seen().scimId().orElseThrow());
            if (current == null || !entered.contains(r.seen().orgId()) || !current.orgId().equals(r.seen().orgId())) {
                attempts.add(Optional.empty());  // not entered, locked by another transaction, or gone: alone
            } else if (current.version() != r.seen().version() || !current.id().equals(r.seen().id()) || !decided.add(current.id())) {
                attempts.add(Optional.of(Attempt.AGAIN));  // moved on (here too: another removal of it in this batch)
            } else {
                attempts.add(null);  // the guard's verdict, below
                asked.add(i);
                checks.add(new DeprovisionGuard.Check(current, DeprovisionGuard.Removal.DEACTIVATE, tickets.get(i),
                        Optional.of(r.profile()), r.actor()));
            }
        }
        // Decided one after another, in the batch's order, as each would be alone; the guard reads
        // what it needs for all of them at once (Safeguard#checkAll).
        List<DeprovisionGuard.Verdict> verdicts = checks.isEmpty() ? List.of() : guard.checkAll(c, checks);
        List<AccountStore.Change> applied = new ArrayList<>();
        for (int k = 0; k < asked.size(); k++) {
            Removal r = batch.get(asked.get(k));
            attempts.set(asked.get(k), Optional.of(switch (verdicts.get(k)) {
                case DeprovisionGuard.Verdict.Held(DeprovisionGuard.Hold hold) -> new Attempt(Optional.of(new Guarded(null, hold)), true);
                case DeprovisionGuard.Verdict.ReserveFirst first -> new Attempt(Optional.empty(), true);
                case DeprovisionGuard.Verdict.Apply apply -> {
                    applied.add(r.change());
                    yield new Attempt(Optional.of(new Guarded(r.change().account(), null)), true);
                }
            }));
        }
        // Last in the transaction: the statement's plan settings (Sql.KEPT_INDEX_PLAN) last until its commit.
        if (!applied.isEmpty() && store.updateAllIfUnchangedWithEvent(c, applied).size() != applied.size()) {
            // Cannot happen (each row is locked at the version its change was computed from); if it
            // did, the guard's verdicts in this transaction would not match what was written.
            throw new IllegalStateException("a locked account moved on in its removals' batch");
        }
        return attempts;
    }

    /** SCIM POST: a new account, or the disabled one with this email re-attached. */
    public ManagedAccount provision(UUID orgId, AccountProfile profile, Actor actor) {
        try {
            Instant now = now();
            UUID scimId = UUID.randomUUID();
            AccountStatus status = profile.active().orElse(true) ? AccountStatus.ACTIVE : AccountStatus.DEACTIVATED;
            // The common case, a new user, is one statement, which commits by itself: one round trip,
            // no COMMIT of its own, and creates that arrive together share it (issue 16). A disabled
            // account to re-attach, and a userName already taken, are the rare cases, below.
            ManagedAccount fresh = ManagedAccount.provisioned(orgId, profile, status, scimId, now);
            var create = AccountStore.Create.of(fresh, Map.of("scimId", scimId, "status", status.dbValue()), actor, now);
            Written written = creates.submit(create);
            if (written == Written.YES
                    || written == Written.ALONE && tx.autocommit(c -> store.insertUnlessDisabled(c, create))) {
                return fresh;
            }
            return tx.inTransaction(c -> {
                Optional<ManagedAccount> disabled = store.lockDisabledByEmail(c, orgId, profile.email());
                if (disabled.isPresent()) {
                    ManagedAccount d = disabled.get();
                    ManagedAccount reattached = d.reattached(profile, status, scimId, now);
                    store.update(c, reattached);
                    store.event(c, orgId, d.id(), AccountEvent.Kind.REATTACHED, Map.of("scimId", scimId, "status", status.dbValue()), actor, now);
                    return reattached;
                }
                ManagedAccount created = ManagedAccount.provisioned(orgId, profile, status, scimId, now);
                store.insert(c, created);
                store.event(c, orgId, created.id(), AccountEvent.Kind.CREATED, Map.of("scimId", scimId, "status", status.dbValue()), actor, now);
                return created;
            });
        } catch (UniqueViolation e) {
            throw duplicate(profile.email());
        }
    }

    public Optional<ManagedAccount> findLinked(UUID orgId, UUID scimId) {
        return tx.read(c -> store.findLinked(c, orgId, scimId));
    }

    /** An account and the value of the caller's {@code beside} expression for it, when not null. */
    public record Found(ManagedAccount account, Optional<String> beside) {}

    /**
     * The same, with {@code beside} (a text expression over the columns of {@code managed_accounts},
     * as {@link #searchLinked(UUID, AccountQuery.Criteria, AccountQuery.Window, Optional)} takes)
     * read in the same statement: one round trip for what needed two (issue 16). Reads that arrive
     * together share one statement ({@link #readAll}).
     */
    public Optional<Found> findLinked(UUID orgId, UUID scimId, Optional<String> beside) {
        return reads.submit(new AccountStore.Read(orgId, scimId, beside))
                .orElseGet(() -> tx.read(c -> find(c, orgId, scimId, beside)));
    }

    private Optional<Found> find(Connection c, UUID orgId, UUID scimId, Optional<String> beside) throws SQLException {
        if (beside.isEmpty()) return store.findLinked(c, orgId, scimId).map(a -> new Found(a, Optional.empty()));
        return store.findLinked(c, orgId, scimId, beside.get());
    }

    /** How often {@link #update} recomputes when another request changed the user meanwhile. */
    static final int UPDATE_ATTEMPTS = 5;

    /**
     * SCIM PUT and PATCH. {@code change} computes the new profile from the current account
     * <em>before</em> any lock is taken and without holding a connection (a big PATCH costs CPU,
     * and nobody else should wait for it, docs/security.md); then one transaction writes it,
     * only if the row still has the version the change was computed from (the conditional update
     * takes the row lock and checks in one statement). If
     * another request changed the user in between, the change is computed again from the new
     * version, at most {@value #UPDATE_ATTEMPTS} times, then 503 with Retry-After.
     *
     * <p>A change that takes access away is counted by the guard first, in a short transaction of
     * its own ({@link DeprovisionGuard#reserve}, docs/safeguard.md), then locks the row and asks
     * the guard in its transaction; without a rename, with the others that arrive together
     * ({@link #writeRemovals}). A recomputation keeps the ticket it has: one removal is
     * counted once; a ticket not used up is given back.
     *
     * @param condition the client's If-Match / If-None-Match, checked under the lock
     */
    public <E extends Exception> ManagedAccount update(UUID orgId, UUID scimId, Precondition condition,
                                                        ProfileChange<E> change, Actor actor) throws E {
        return update(orgId, scimId, condition, change, actor, Optional.empty()).account();
    }

    /**
     * The same, with {@code beside} (as {@link #findLinked(UUID, UUID, Optional)} takes it) read
     * in the change's read of the account: for what the change does not touch (a User's groups).
     */
    public <E extends Exception> Found update(UUID orgId, UUID scimId, Precondition condition,
                                               ProfileChange<E> change, Actor actor, Optional<String> beside) throws E {
        Optional<DeprovisionGuard.Ticket> ticket = Optional.empty();
        try {
            for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
                Found read = findLinked(orgId, scimId, beside).orElseThrow(() -> notFound(scimId));
                ManagedAccount seen = read.account();
                condition.check(seen.version());
                AccountProfile profile = change.apply(seen);
                boolean removal = deactivates(seen, profile);
                boolean renamed = !seen.email().equalsIgnoreCase(profile.email());
                try {
                    // A change without a rename that takes no access away is one statement, which commits
                    // by itself (no transaction around it, no COMMIT round trip), and changes that arrive
                    // together share it (issue 16).
                    if (!removal && !renamed) {
                        Optional<ManagedAccount> applied = applyWithoutRename(seen, profile, actor);
                        if (applied.isPresent()) return new Found(applied.get(), read.beside());
                        continue;  // the row moved on: compute again
                    }
                    // A deactivation without a rename goes with those that arrive together: one count, one
                    // transaction, one commit (writeRemovals); one the batch leaves out is tried alone, below.
                    if (removal && !renamed) {
                        AccountStore.Change written = changeWithoutRename(seen, profile, actor).orElseThrow();
                        Removed removed = removals.submit(new Removal(seen, profile, written, actor, ticket));
                        ticket = removed.ticket();
                        if (removed.attempt().isPresent()) {
                            Optional<Guarded> outcome = removed.attempt().get().outcome();
                            if (outcome.isPresent()) return new Found(outcome.get().appliedOrHeld(), read.beside());
                            continue;  // moved on, or the guard wants it counted again
                        }
                    }
                    if (removal && ticket.isEmpty()) ticket = tx.autocommit(c -> guard.reserve(c, orgId));
                    Optional<DeprovisionGuard.Ticket> counted = ticket;
                    // No SELECT ... FOR UPDATE: the first write is conditional on the version the change
                    // was computed from (and the If-Match checked against), so it locks and checks at once.
                    // Only a change that takes access away locks first, to ask the guard (docs/safeguard.md).
                    Transactions.Work<Attempt, RuntimeException> work = c -> {
                        if (removal) {
                            Optional<ManagedAccount> locked = store.lockLinked(c, orgId, scimId);
                            if (locked.isEmpty() || locked.get().version() != seen.version() || !locked.get().id().equals(seen.id())) {
                                return Attempt.AGAIN;  // the ticket stays for the next attempt
                            }
                            switch (guard.check(c, locked.get(), DeprovisionGuard.Removal.DEACTIVATE, counted, Optional.of(profile), actor)) {
                                case DeprovisionGuard.Verdict.Held(DeprovisionGuard.Hold hold) -> {
                                    return new Attempt(Optional.of(new Guarded(null, hold)), true);
                                }
                                case DeprovisionGuard.Verdict.ReserveFirst r -> {
                                    return new Attempt(Optional.empty(), true);
                                }
                                case DeprovisionGuard.Verdict.Apply a -> { }
                            }
                        }
                        return new Attempt(applyProfile(c, seen, profile, actor).map(applied -> new Guarded(applied, null)), removal);
                    };
                    Attempt done = tx.inTransaction(work);
                    if (done.settled()) ticket = Optional.empty();
                    if (done.outcome().isPresent()) return new Found(done.outcome().get().appliedOrHeld(), read.beside());
                } catch (UniqueViolation e) {
                    throw new DomainException.Conflict("another user in this organization already has this userName");
                }
            }
            throw new DomainException.Busy("this user is being changed by other requests right now; retry in a moment", 1);
        } finally {
            ticket.ifPresent(this::giveBack);
        }
    }

    /**
     * SCIM DELETE: disable and unlink; the account and its data stay until deleted by hand. Returns
     * it, disabled. The first attempt asks the guard without a ticket (a DELETE of a deactivated
     * user, the usual one, needs none); a removal the guard wants counted first reserves and tries again.
     */
    public ManagedAccount deprovision(UUID orgId, UUID scimId, Precondition condition, Actor actor) {
        Optional<DeprovisionGuard.Ticket> ticket = Optional.empty();
        try {
            for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
                Optional<DeprovisionGuard.Ticket> counted = ticket;
                Optional<Guarded> done = tx.inTransaction(c -> {
                    ManagedAccount current = store.lockLinked(c, orgId, scimId).orElseThrow(() -> notFound(scimId));
                    condition.check(current.version());
                    return switch (guard.check(c, current, DeprovisionGuard.Removal.DELETE, counted, Optional.empty(), actor)) {
                        case DeprovisionGuard.Verdict.Held(DeprovisionGuard.Hold hold) -> Optional.of(new Guarded(null, hold));
                        case DeprovisionGuard.Verdict.ReserveFirst r -> Optional.empty();
                        case DeprovisionGuard.Verdict.Apply a -> Optional.of(new Guarded(disable(c, current, actor), null));
                    };
                });
                ticket = Optional.empty();  // settled by the transaction that asked the guard
                if (done.isPresent()) return done.get().appliedOrHeld();
                ticket = tx.autocommit(c -> guard.reserve(c, orgId));
            }
            throw new DomainException.Busy("this user is being changed by other requests right now; retry in a moment", 1);
        } finally {
            ticket.ifPresent(this::giveBack);
        }
    }

    /** One attempt of an update: the outcome, or none to compute again; whether it settled the guard's ticket. */
    private record Attempt(Optional<Guarded> outcome, boolean settled) {
        static final Attempt AGAIN = new Attempt(Optional.empty(), false);
    }

    /**
     * Returns a ticket no committed transaction used up. If that fails too (the database is gone),
     * the removal stays counted: the guard errs on the safe side, and the request's own error stands.
     */
    private void giveBack(DeprovisionGuard.Ticket ticket) {
        try {
            tx.autocommit(c -> {
                guard.giveBack(c, ticket);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("could not give back a deprovisioning safeguard reservation; it stays counted until its window passes", e);
        }
    }

    /** Work a release does in the transaction that applies the held change (forget the held row, record who released it). */
    @FunctionalInterface
    public interface AlsoInTransaction {
        void run(Connection c) throws SQLException;
    }

    /**
     * A change the guard held, released by an admin: applied by the same rules as the IdP's own
     * request, without asking the guard again, and only if the account the IdP named is still at
     * {@code version} (else {@link DomainException.Stale}; {@link DomainException.NotFound} when the
     * IdP no longer holds it). {@code profile} empty is a DELETE.
     */
    public ManagedAccount applyReleased(UUID orgId, UUID scimId, UUID accountId, long version, Optional<AccountProfile> profile,
                                        Actor actor, AlsoInTransaction also) {
        try {
            return tx.inTransaction(c -> {
                ManagedAccount current = store.lockLinked(c, orgId, scimId).orElseThrow(() -> notFound(scimId));
                if (!current.id().equals(accountId) || current.version() != version) {
                    throw new DomainException.Stale("the user changed after the change was held (version " + version
                            + ", now " + current.version() + ")");
                }
                ManagedAccount result = profile.isPresent()
                        ? applyProfile(c, current, profile.get(), actor).orElseThrow()  // locked at this version: the write holds
                        : disable(c, current, actor);
                also.run(c);
                return result;
            });
        } catch (UniqueViolation e) {
            throw new DomainException.Conflict("another user in this organization already has this userName");
        }
    }

    /** The change applied, or held by the guard (committed without it): the IdP is told 503 with Retry-After. */
    private record Guarded(ManagedAccount applied, DeprovisionGuard.Hold held) {
        ManagedAccount appliedOrHeld() {
            if (held != null) {
                throw new DomainException.Busy(FailureReason.HELD_BY_SAFEGUARD, held.detail(), held.retryAfterSeconds());
            }
            return applied;
        }
    }

    /** Whether the change takes an active account's access away (active false, whatever else it changes). */
    private static boolean deactivates(ManagedAccount current, AccountProfile profile) {
        return current.active() && profile.active().isPresent() && !profile.active().get();
    }

    private ManagedAccount disable(Connection c, ManagedAccount current, Actor actor) throws SQLException {
        Instant now = now();
        ManagedAccount disabled = current.unlinked(AccountStatus.DISABLED, current.version() + 1, now);
        store.update(c, disabled);
        store.event(c, current.orgId(), current.id(), AccountEvent.Kind.DISABLED, Map.of("scimId", current.scimId().orElseThrow()), actor, now);
        return disabled;
    }

    /**
     * A page of a SCIM search and how to continue: {@code next} is the position after the last
     * row when more rows follow (cursor windows only); {@code beside} holds, by SCIM id, the value
     * of the caller's {@code beside} expression for the accounts where it is not null.
     */
    public record SearchPage(long totalResults, List<ManagedAccount> accounts, Optional<AccountQuery.Position> next,
                             Map<UUID, String> beside) {
        static SearchPage of(long totalResults, List<AccountStore.Keyed> rows, Optional<AccountQuery.Position> next) {
            Map<UUID, String> beside = new java.util.HashMap<>();
            for (AccountStore.Keyed row : rows) row.beside().ifPresent(b -> beside.put(row.account().scimId().orElseThrow(), b));
            return new SearchPage(totalResults, rows.stream().map(AccountStore.Keyed::account).toList(), next, beside);
        }
    }

    /** What sortBy may name, for the error that refuses anything else. */
    private static final String SORT_EXAMPLES = "userName, displayName, name.familyName, meta.created or meta.lastModified";

    /**
     * A SCIM list's filter (parsed, RFC 7644 §3.4.2.2) and sort (RFC 7644 §3.4.2.3: an attribute
     * path, ascending unless {@code descending}) checked against the User schema and turned into
     * SQL over managed_accounts.
     *
     * @throws BadRequestException invalidFilter for an attribute that cannot be filtered on,
     *                             invalidValue for one that cannot be sorted by
     */
    public static AccountQuery.Criteria criteria(Optional<Filter> filter, Optional<String> sortBy, boolean descending)
            throws BadRequestException {
        Optional<SqlFilter.Where> where = filter.isEmpty() ? Optional.empty()
                : Optional.of(SqlFilter.translate(filter.get(), AccountColumns.INSTANCE, ScimJson.USER_SCHEMA, AccountColumns.SUPPORTED));
        if (sortBy.isEmpty()) {
            return new AccountQuery.Criteria(where, descending ? new AccountQuery.Sort(AccountQuery.SortKey.SEQ, true)
                    : AccountQuery.Sort.DEFAULT);
        }
        String path = sortBy.get().strip();
        AccountQuery.SortKey key = AccountColumns.sortKey(path.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                BadRequestException.invalidValue("cannot sort by \"" + path + "\": sortBy takes a singular attribute such as "
                        + SORT_EXAMPLES));
        return new AccountQuery.Criteria(where, new AccountQuery.Sort(key, descending));
    }

    /**
     * SCIM list: IdP-managed accounts matching {@code criteria}, in a stable order, {@code window}
     * of them. The count and the page are read in one read-only snapshot, so totalResults and the
     * rows agree even while the IdP writes.
     */
    public SearchPage searchLinked(UUID orgId, AccountQuery.Criteria criteria, AccountQuery.Window window) {
        return searchLinked(orgId, criteria, window, Optional.empty());
    }

    /**
     * The same, with {@code beside}: a text expression over the columns of {@code managed_accounts}
     * (unqualified: {@code org_id}, {@code scim_id} ...) that PostgreSQL evaluates for each account
     * of the page in the same statement, so another feature's data about the accounts (their
     * groups) comes without a second round trip (issue 16). Code's SQL, never a client's.
     */
    public SearchPage searchLinked(UUID orgId, AccountQuery.Criteria criteria, AccountQuery.Window window, Optional<String> beside) {
        var query = new AccountQuery(criteria.where, criteria.sort, window);
        // The first page of an Index window that comes back short holds every match, so its size is
        // totalResults: one statement (one snapshot), no count. Okta's and Entra's pre-check
        // (userName eq, startIndex=1) is always such a page (issue 16). Only with a filter: without
        // one, the count is a few rows of org_account_counts and the page is usually full.
        if (query.where().isPresent() && query.window() instanceof AccountQuery.Index(int offset, int n) && offset == 0 && n > 0) {
            List<AccountStore.Keyed> rows = AccountStore.Lookup.batchable(query)
                    ? lookups.submit(new AccountStore.Lookup(orgId, query, beside))
                            .orElseGet(() -> tx.read(c -> store.searchLinked(c, orgId, query, beside)))
                    : tx.read(c -> store.searchLinked(c, orgId, query, beside));
            if (rows.size() < n) return SearchPage.of(rows.size(), rows, Optional.empty());
        }
        return tx.readSnapshot(c -> {
            long total = store.countLinked(c, orgId, query.where());
            int count = query.window().count();
            if (count == 0 || (query.window() instanceof AccountQuery.Index(int offset, int n) && offset >= total)) {
                return SearchPage.of(total, List.of(), Optional.empty());
            }
            List<AccountStore.Keyed> rows = store.searchLinked(c, orgId, query, beside);
            Optional<AccountQuery.Position> next = Optional.empty();
            if (query.window() instanceof AccountQuery.After && rows.size() > count) {
                rows = rows.subList(0, count);
                next = Optional.of(rows.getLast().position());
            }
            return SearchPage.of(total, rows, next);
        });
    }

    /** Every account of the organization, linked or not (admin API). */
    public Page list(UUID orgId, Optional<AccountStatus> status, int offset, int limit) {
        return tx.read(c -> new Page(store.count(c, orgId, status), store.list(c, orgId, status, offset, limit)));
    }

    /** Counts above this are shown as "more than 10,000": counting costs at most this many index entries. */
    public static final int COUNT_CAP = 10_000;

    /**
     * A console page of accounts: {@code next} is the last account's id when more follow (the
     * cursor of the next page), {@code previous} the first one's when accounts come before it;
     * {@code matching} is how many match over all pages (at most {@link #COUNT_CAP} + 1, then "more
     * than"), read in the same snapshot as the page, so the count and the list agree.
     */
    public record BrowsePage(List<ManagedAccount> accounts, Optional<UUID> next, Optional<UUID> previous, long matching) {}

    /** Where a console page starts: the first page, after an account (Next), or before one (Previous). */
    public sealed interface Position {
        record First() implements Position {}

        record After(UUID id) implements Position {}

        record Before(UUID id) implements Position {}
    }

    /**
     * The console's list: every account of the organization (linked or not) by email, optionally
     * of one status and with an email prefix (any letter case), {@code limit} from {@code at}.
     * Keyset pages both ways, so a page costs the same at any depth.
     */
    public BrowsePage browse(UUID orgId, Optional<AccountStatus> status, String emailPrefix, Position at, int limit) {
        return tx.readSnapshot(c -> {
            List<ManagedAccount> rows;
            boolean more;
            boolean earlier;
            if (at instanceof Position.Before b) {
                List<ManagedAccount> back = store.browseBefore(c, orgId, status, emailPrefix, b.id(), limit + 1);
                earlier = back.size() > limit;
                rows = new java.util.ArrayList<>(back.subList(0, Math.min(limit, back.size())));
                java.util.Collections.reverse(rows);
                more = true;
            } else {
                Optional<UUID> after = at instanceof Position.After a ? Optional.of(a.id()) : Optional.empty();
                rows = store.browse(c, orgId, status, emailPrefix, after, limit + 1);
                more = rows.size() > limit;
                if (more) rows = rows.subList(0, limit);
                earlier = after.isPresent();
            }
            Optional<UUID> next = more && !rows.isEmpty() ? Optional.of(rows.getLast().id()) : Optional.empty();
            Optional<UUID> previous = earlier && !rows.isEmpty() ? Optional.of(rows.getFirst().id()) : Optional.empty();
            return new BrowsePage(rows, next, previous, store.countBrowse(c, orgId, status, emailPrefix, COUNT_CAP + 1));
        });
    }

    /** How many accounts of the organization have this status, counting at most {@link #COUNT_CAP} + 1. */
    public long countUpToCap(UUID orgId, AccountStatus status) {
        return tx.read(c -> store.countBrowse(c, orgId, Optional.of(status), "", COUNT_CAP + 1));
    }

    /** Any account of the organization by its id, linked or not (console detail page). */
    /** The account a SAML sign-in names by email, in any letter case (no account is ever created by a sign-in). */
    public Optional<ManagedAccount> findForSignIn(UUID orgId, String email) {
        return tx.read(c -> store.findForSignIn(c, orgId, email));
    }

    public Optional<ManagedAccount> find(UUID orgId, UUID accountId) {
        return tx.read(c -> store.find(c, orgId, accountId));
    }

    public List<AccountEvent> history(UUID orgId, UUID accountId) {
        return tx.read(c -> store.events(c, orgId, accountId));
    }

    /**
     * Manual deletion (docs/product-rules.md rule 10): any account that is not active. The row and its
     * personal data go; an event records who deleted it and when. A deactivated account is still
     * the SCIM resource the IdP holds: its SCIM id goes with the row, so the IdP's next request
     * for it is 404 (RFC 7644 §3.4.1) and a later POST of the same userName is a new account.
     */
    public void deleteManually(UUID orgId, UUID accountId, Actor actor) {
        tx.inTransaction(c -> {
            ManagedAccount a = store.lock(c, orgId, accountId)
                    .orElseThrow(() -> new DomainException.NotFound("no account " + accountId + " in this organization"));
            if (!a.status().isDeletableByHand()) {
                throw new DomainException.Conflict("account " + accountId + " is active; only accounts that are not "
                        + "active (deactivated, invalidated, disabled) can be deleted by hand. Deactivate or unassign "
                        + "the user in the IdP first");
            }
            store.delete(c, a.id());
            store.forgetEmails(c, orgId, a.id());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("previousStatus", a.status().dbValue());
            detail.put("version", a.version() + 1);  // the deletion's version, for the apps' event (docs/events.md)
            a.scimId().ifPresent(id -> detail.put("scimId", id));  // the id the IdP may still send: now 404
            store.event(c, orgId, a.id(), AccountEvent.Kind.DELETED, detail, actor, now());
            // No email or name: the deletion removes the person's data, and the trail keeps none of it either.
            AuditTrail.record(c, orgId, actor, AuditAction.ACCOUNT_DELETED, AuditTrail.Target.of("account", a.id(), ""),
                    AuditTrail.detail("previousStatus", a.status().dbValue()));
            return null;
        });
    }

    /**
     * {@link #applyProfile} for a change without a rename (a letter case change at most) that
     * takes no access away, in a batch of such changes (storage.Batches). Empty when the row
     * no longer has the version the change was computed from.
     */
    private Optional<ManagedAccount> applyWithoutRename(ManagedAccount current, AccountProfile profile, Actor actor) {
        Optional<AccountStore.Change> computed = changeWithoutRename(current, profile, actor);
        if (computed.isEmpty()) return Optional.of(current);
        AccountStore.Change change = computed.get();
        Written written = changes.submit(change);
        boolean applied = written == Written.YES
                || written == Written.ALONE && tx.autocommit(c -> store.updateIfUnchangedWithEvent(c, change));
        return applied ? Optional.of(change.account()) : Optional.empty();
    }

    /** {@code profile} over {@code current} without a rename, as one row and its history row; empty when it changes nothing. */
    private static Optional<AccountStore.Change> changeWithoutRename(ManagedAccount current, AccountProfile profile, Actor actor) {
        Instant now = now();
        AccountStatus status = profile.active()
                .map(active -> active ? AccountStatus.ACTIVE : AccountStatus.DEACTIVATED)
                .orElse(current.status());
        if (unchanged(current, profile, status)) return Optional.empty();
        ManagedAccount updated = current.updated(profile, status, current.version() + 1, now);
        return Optional.of(AccountStore.Change.of(updated, current.scimId().orElseThrow(), current.version(), kind(current, status), actor, now));
    }

    /** Whether a PUT or PATCH leaves everything as stored. */
    private static boolean unchanged(ManagedAccount current, AccountProfile profile, AccountStatus status) {
        return current.email().equals(profile.email()) && status == current.status()
                && current.externalId().equals(profile.externalId()) && current.displayName().equals(profile.displayName())
                && current.attributes().equals(profile.attributes());
    }

    /** The history row's kind for a change that keeps the account (no new account for a rename). */
    private static AccountEvent.Kind kind(ManagedAccount current, AccountStatus status) {
        return status == current.status() ? AccountEvent.Kind.UPDATED
                : status == AccountStatus.ACTIVE ? AccountEvent.Kind.REACTIVATED : AccountEvent.Kind.DEACTIVATED;
    }

    /**
     * Writes {@code profile} over {@code current} as read before this transaction; empty when the
     * row no longer has that version (another request changed it: the caller computes again).
     */
    private Optional<ManagedAccount> applyProfile(Connection c, ManagedAccount current, AccountProfile profile, Actor actor)
            throws SQLException {
        Instant now = now();
        long version = current.version() + 1;
        AccountStatus status = profile.active()
                .map(active -> active ? AccountStatus.ACTIVE : AccountStatus.DEACTIVATED)
                .orElse(current.status());
        // A PUT or PATCH that leaves everything as stored changes nothing: the version (ETag),
        // lastModified and the history stay as they are, so a client's cached ETag stays valid.
        if (unchanged(current, profile, status)) return Optional.of(current);
        // A change of letter case only is the same address. Otherwise the organization's policy
        // decides, read in this transaction (a policy saved meanwhile applies before or after this
        // change as a whole, never half-way).
        boolean renamed = !current.email().equalsIgnoreCase(profile.email());
        if (renamed && organizations.usernameChangePolicy(c, current.orgId()) == UsernameChangePolicy.NEW_ACCOUNT) {
            // docs/product-rules.md rule 7: a new userName is a new account. Unlink the old one first: the
            // SCIM id and the userName index admit one linked account each.
            UUID successorId = UUID.randomUUID();
            if (!store.updateIfUnchanged(c, current.unlinked(AccountStatus.INVALIDATED, version, now).withSuccessor(successorId),
                    current.scimId().orElseThrow(), current.version())) {
                return Optional.empty();
            }
            ManagedAccount successor = current.successor(successorId, profile, status, version, now);
            store.insert(c, successor);
            store.event(c, current.orgId(), current.id(), AccountEvent.Kind.INVALIDATED, Map.of("successorId", successorId), actor, now);
            store.event(c, current.orgId(), successorId, AccountEvent.Kind.CREATED,
                    Map.of("predecessorId", current.id(), "status", status.dbValue()), actor, now);
            return Optional.of(successor);
        }
        // The same account (the rename_in_place policy, or no rename): the userName index still
        // decides whether the new email is free, so a taken one fails the update with a 409.
        ManagedAccount updated = current.updated(profile, status, version, now);
        if (!renamed) {
            // The usual change (a deactivation, a profile sync): the update and its history row in one statement.
            return store.updateIfUnchangedWithEvent(c, updated, current.scimId().orElseThrow(), current.version(),
                    kind(current, status), actor, now) ? Optional.of(updated) : Optional.empty();
        }
        if (!store.updateIfUnchanged(c, updated, current.scimId().orElseThrow(), current.version())) return Optional.empty();
        if (renamed) {
            store.event(c, current.orgId(), current.id(), AccountEvent.Kind.RENAMED,
                    Map.of("from", current.email(), "to", profile.email()), actor, now);
        }
        if (!renamed || status != current.status()) {
            store.event(c, current.orgId(), current.id(), kind(current, status), Map.of(), actor, now);
        }
        return Optional.of(updated);
    }

    private static DomainException.NotFound notFound(UUID scimId) {
        return new DomainException.NotFound("no user " + scimId + " in this organization");
    }

    private static DomainException.Conflict duplicate(String email) {
        return new DomainException.Conflict("a user with userName \"" + email + "\" already exists in this organization "
                + "(userName is unique, in any letter case)");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);  // PostgreSQL keeps microseconds
    }
}
