package dev.lanyard.account;

import dev.lanyard.domain.Actor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What {@link AccountService} asks before the IdP takes access away: a change that turns an active
 * account into a deactivated one (PUT / PATCH {@code active: false}), or a SCIM DELETE. Only such
 * changes ask, so every other request costs nothing. The mass-deprovisioning safeguard
 * (docs/safeguard.md) implements it; this package does not know it, so the two packages form no cycle.
 *
 * <p>Three steps, one connection at a time, never two at once: {@link #reserve} counts the
 * removal before the change's transaction (briefly, on an autocommit connection, so removals of one
 * organization do not wait for each other's commits); {@link #check} decides in the change's
 * transaction, under the account's row lock, and settles the ticket there (the ticket is used up
 * when that transaction commits, whatever the verdict); {@link #giveBack} returns a ticket whose
 * change's transaction never committed a verdict.
 *
 * <p>Deactivations that arrive together are decided in one transaction ({@link AccountService}'s
 * batch of removals, issue 16): {@link #reserve(Connection, UUID, int)} counts several of one
 * organization at once, {@link #enterWithoutWaiting} makes sure the batch will not wait for an
 * admin's action in any of its organizations, and {@link #checkAll} decides each, one after
 * another, in that transaction.
 */
public interface DeprovisionGuard {
    /** How the IdP takes the account away. */
    enum Removal { DEACTIVATE, DELETE }

    /**
     * The change may not be applied now: it was recorded (in the same transaction, which commits
     * without the change) and the IdP is told why and when to come back.
     */
    record Hold(String detail, int retryAfterSeconds) {}

    /** A removal counted ahead of its transaction; what it holds is the guard's business. */
    interface Ticket {}

    /** What {@link #check} decided. */
    sealed interface Verdict {
        /** Apply the change. */
        record Apply() implements Verdict {}

        /** Do not apply it: the guard has recorded it on the connection. */
        record Held(Hold hold) implements Verdict {}

        /**
         * The removal needs a ticket it does not have (none was taken, or an admin's resume voided
         * it): commit, {@link #reserve} and ask again.
         */
        record ReserveFirst() implements Verdict {}
    }

    Verdict APPLY = new Verdict.Apply();
    Verdict RESERVE_FIRST = new Verdict.ReserveFirst();

    /**
     * Counts one removal of the organization before the change's transaction, on {@code c} in
     * autocommit mode (what it writes is committed when it returns). Empty when the guard will not
     * need one (it is off, or holds every removal anyway).
     */
    Optional<Ticket> reserve(Connection c, UUID orgId) throws SQLException;

    /**
     * {@link #reserve(Connection, UUID)} for {@code removals} removals of the organization, counted
     * one after another as if each had reserved alone: one ticket (or none) per removal, in the
     * order of counting. The default reserves them one by one.
     */
    default List<Optional<Ticket>> reserve(Connection c, UUID orgId, int removals) throws SQLException {
        List<Optional<Ticket>> tickets = new ArrayList<>(removals);
        for (int i = 0; i < removals; i++) tickets.add(reserve(c, orgId));
        return tickets;
    }

    /**
     * In the change's transaction, before any {@link #check}: takes, without waiting, what
     * {@code check} would otherwise wait for in these organizations (an admin's action in
     * progress), and returns the organizations where it got it. A batch of removals asks the guard
     * only for those, so it never waits for one organization's admin with the others' removals in
     * it. The default waits for nothing (a guard whose check takes no such lock).
     */
    default Set<UUID> enterWithoutWaiting(Connection c, Collection<UUID> orgIds) throws SQLException {
        return Set.copyOf(orgIds);
    }

    /**
     * Decides, in the change's transaction, under the account's row lock. The ticket (if any) is
     * settled on {@code c}: whatever the verdict, once this transaction commits it is used up.
     *
     * @param current the account as locked, at the version the change was computed from
     * @param profile the new profile for {@link Removal#DEACTIVATE}, empty for a DELETE
     */
    Verdict check(Connection c, ManagedAccount current, Removal removal, Optional<Ticket> ticket,
                  Optional<AccountProfile> profile, Actor actor) throws SQLException;

    /** One removal of a batch, as {@link #check} takes it. */
    record Check(ManagedAccount current, Removal removal, Optional<Ticket> ticket, Optional<AccountProfile> profile, Actor actor) {}

    /**
     * {@link #check} for the removals of a batch, in its transaction, after
     * {@link #enterWithoutWaiting} entered each one's organization: one verdict per removal, in
     * order, decided one after another as each would be alone (a later one sees what an earlier
     * one did, such as a trip). The default asks {@link #check} for each.
     */
    default List<Verdict> checkAll(Connection c, List<Check> checks) throws SQLException {
        List<Verdict> verdicts = new ArrayList<>(checks.size());
        for (Check k : checks) verdicts.add(check(c, k.current(), k.removal(), k.ticket(), k.profile(), k.actor()));
        return verdicts;
    }

    /**
     * Returns a ticket whose change's transaction did not commit a verdict (rolled back, or the
     * change turned out not to be a removal), on {@code c} in autocommit mode. Harmless when
     * the ticket was settled after all (a commit whose answer was lost).
     */
    void giveBack(Connection c, Ticket ticket) throws SQLException;

    /** No guard: every change applies (tests, and organizations before the safeguard existed). */
    DeprovisionGuard NONE = new DeprovisionGuard() {
        @Override
        public Optional<Ticket> reserve(Connection c, UUID orgId) {
            return Optional.empty();
        }

        @Override
        public Verdict check(Connection c, ManagedAccount current, Removal removal, Optional<Ticket> ticket,
                             Optional<AccountProfile> profile, Actor actor) {
            return APPLY;
        }

        @Override
        public void giveBack(Connection c, Ticket ticket) {
        }
    };
}
