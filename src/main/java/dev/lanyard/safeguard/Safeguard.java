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
import java.util.Optional;
import java.util.UUID;

/**
 * The safeguard's check, in the transaction of each deactivation and SCIM DELETE
 * ({@link DeprovisionGuard}): counts the IdP's removals of active accounts per organization and
 * minute, trips when one more would be too many ({@link SafeguardSettings#tooMany}), and from then
 * on records every deactivation and deletion as a {@link HeldChange} instead of applying it, until
 * an admin resumes. Organizations are serialised by an advisory lock held to the end of the
 * transaction, so concurrent removals cannot pass the threshold together.
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

    private final SafeguardStore store;

    Safeguard(SafeguardStore store) {
        this.store = store;
    }

    @Override
    public Optional<Hold> check(Connection c, ManagedAccount current, Removal removal, Optional<AccountProfile> profile,
                                Actor actor) throws SQLException {
        UUID orgId = current.orgId();
        store.lockOrganization(c, orgId);
        SafeguardStore.Row row = store.row(c, orgId);
        if (!row.settings().enabled()) return Optional.empty();
        if (row.trippedAt().isPresent()) {
            return Optional.of(hold(c, current, removal, profile, actor, row.tripReason().orElse("")));
        }
        // Only an active account's loss counts: a DELETE of a deactivated user takes no access away.
        if (!current.active()) return Optional.empty();
        long removed = store.removedWithin(c, orgId, row.settings().window());
        long withIt = removed + 1;
        long base = 0;
        if (withIt >= SafeguardSettings.PERCENT_RULE_FROM) base = activeAtWindowStart(c, orgId, row, removed);
        Optional<String> tooMany = row.settings().tooMany(withIt, base);
        if (tooMany.isEmpty()) {
            store.countRemoval(c, orgId);
            return Optional.empty();
        }
        store.trip(c, orgId, tooMany.get());
        AuditTrail.record(c, orgId, Actor.SYSTEM, SafeguardService.TRIPPED, AuditTrail.Target.NONE,
                AuditTrail.detail("reason", tooMany.get()).put("by", actor.text()));
        return Optional.of(hold(c, current, removal, profile, actor, tooMany.get()));
    }

    /**
     * The active accounts when the window began: those active now and those removed within it.
     * Counted at most every {@link #BASE_MAX_AGE}, so a mass deactivation in an organization of a
     * million does not count a million rows each time.
     */
    private long activeAtWindowStart(Connection c, UUID orgId, SafeguardStore.Row row, long removed) throws SQLException {
        if (row.baseActive().isPresent() && row.baseAt().isPresent()
                && row.baseAt().get().isAfter(Instant.now().minus(BASE_MAX_AGE))) {
            return row.baseActive().get();
        }
        long base = store.activeAccounts(c, orgId) + removed;
        store.saveBase(c, orgId, base);
        return base;
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
