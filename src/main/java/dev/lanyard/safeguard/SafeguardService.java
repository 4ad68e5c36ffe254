package dev.lanyard.safeguard;

import dev.lanyard.account.AccountService;
import dev.lanyard.account.DeprovisionGuard;
import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.storage.Transactions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The mass-deprovisioning safeguard's use cases (docs/safeguard.md): its settings and state per
 * organization, the held changes, and what an admin does with them. Each public method is one
 * transaction, except the "all" actions, which take each change in its own (as the IdP's requests
 * would have) and stop after {@value #MAX_PER_ACTION}.
 *
 * <p>A release applies the IdP's change through {@link AccountService#applyReleased}, the same
 * rules and history as the IdP's own request (so events and the account's history appear then,
 * not before), and only if the account is still at the version the change was computed from:
 * when the IdP changed the user since (reactivated it, say), the held change is stale and is
 * discarded, not applied, and the answer says so.
 */
public final class SafeguardService {
    /** At most this many held changes per release-all or reject-all click; the page says how many remain. */
    public static final int MAX_PER_ACTION = 1000;
    public static final int MAX_PAGE = 100;

    /** Audit trail entries, in the provisioning area (docs/safeguard.md). */
    static final AuditAction TRIPPED = AuditAction.of("provisioning.safeguard_tripped");
    static final AuditAction RELEASED = AuditAction.of("provisioning.held_change_released");
    static final AuditAction NOT_APPLIED = AuditAction.of("provisioning.held_change_not_applied");
    static final AuditAction REJECTED = AuditAction.of("provisioning.held_change_rejected");
    static final AuditAction RESUMED = AuditAction.of("provisioning.safeguard_resumed");

    private final Transactions tx;
    private final AccountService accounts;
    private final SafeguardStore store = new SafeguardStore();

    public SafeguardService(Transactions tx, AccountService accounts) {
        this.tx = tx;
        this.accounts = accounts;
    }

    /** The check {@link AccountService} runs before each deactivation and SCIM DELETE. */
    public static DeprovisionGuard guard() {
        return new Safeguard(new SafeguardStore());
    }

    /** The settings, whether the safeguard has tripped (when, why) and how many changes it holds. */
    public record State(SafeguardSettings settings, Optional<Instant> trippedAt, Optional<String> tripReason, long held) {
        public boolean tripped() {
            return trippedAt.isPresent();
        }
    }

    public State state(UUID orgId) {
        return tx.read(c -> {
            SafeguardStore.Row row = store.row(c, orgId);
            return new State(row.settings(), row.trippedAt(), row.tripReason(), store.countHeld(c, orgId));
        });
    }

    /** Saves the settings; turning the safeguard off ends a trip (held changes stay for the admin). */
    public State saveSettings(UUID orgId, SafeguardSettings settings, Actor actor) {
        tx.inTransaction(c -> {
            store.lockOrganization(c, orgId);
            SafeguardSettings before = store.row(c, orgId).settings();
            store.saveSettings(c, orgId, settings);
            var changes = AuditTrail.changes(audited(before), audited(settings));
            if (!AuditTrail.isEmpty(changes)) {
                AuditTrail.record(c, orgId, actor, AuditAction.SETTINGS_CHANGED, AuditTrail.Target.NONE, changes);
            }
            return null;
        });
        return state(orgId);
    }

    private static java.util.Map<String, Object> audited(SafeguardSettings s) {
        return java.util.Map.of("safeguardEnabled", s.enabled(), "safeguardMaxPercent", s.maxPercent(),
                "safeguardMaxCount", s.maxCount(), "safeguardWindowMinutes", s.windowMinutes());
    }

    /** A page of held changes, oldest first; {@code next} is where the following page starts. */
    public record Page(List<HeldChange> changes, Optional<UUID> next) {}

    public Page held(UUID orgId, Optional<UUID> after, int limit) {
        int n = Math.clamp(limit, 1, MAX_PAGE);
        return tx.read(c -> {
            List<HeldChange> rows = store.page(c, orgId, after, n + 1);
            if (rows.size() <= n) return new Page(rows, Optional.empty());
            List<HeldChange> page = rows.subList(0, n);
            return new Page(page, Optional.of(page.getLast().id()));
        });
    }

    /** What became of one held change. */
    public enum Outcome {
        /** Applied now, as the IdP asked. */
        APPLIED,
        /** Not applied: the IdP changed or removed the user after the change was held. Discarded. */
        STALE,
        /** Another admin released or rejected it first. */
        GONE
    }

    /** Applies one held change (if still current) and forgets it; the trip stays until resumed. */
    public Outcome release(UUID orgId, UUID heldId, Actor actor) {
        Optional<HeldChange> found = tx.read(c -> store.find(c, orgId, heldId));
        if (found.isEmpty()) return Outcome.GONE;
        HeldChange h = found.get();
        try {
            // The account's history names the IdP's token, whose change it is; the trail names who released it.
            accounts.applyReleased(orgId, h.scimId(), h.accountId(), h.version(), h.profile(), h.actor(), c -> {
                if (!store.delete(c, orgId, heldId)) throw new DomainException.NotFound("released or rejected meanwhile");
                AuditTrail.record(c, orgId, actor, RELEASED, target(h), about(h));
            });
            return Outcome.APPLIED;
        } catch (DomainException.NotFound | DomainException.Stale | DomainException.Conflict e) {
            // The user changed or left the IdP's view since (or another admin took the change first): not applied.
            return tx.inTransaction(c -> {
                if (!store.delete(c, orgId, heldId)) return Outcome.GONE;
                AuditTrail.record(c, orgId, actor, NOT_APPLIED, target(h), about(h).put("why", e.getMessage()));
                return Outcome.STALE;
            });
        }
    }

    /** Discards one held change: the account stays as it is. */
    public boolean reject(UUID orgId, UUID heldId, Actor actor) {
        return tx.inTransaction(c -> {
            Optional<HeldChange> h = store.find(c, orgId, heldId);
            if (h.isEmpty() || !store.delete(c, orgId, heldId)) return false;
            AuditTrail.record(c, orgId, actor, REJECTED, target(h.get()), about(h.get()));
            return true;
        });
    }

    private static AuditTrail.Target target(HeldChange h) {
        return AuditTrail.Target.of("account", h.accountId(), h.email());
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode about(HeldChange h) {
        return AuditTrail.detail("change", h.kind().dbValue()).put("scimId", h.scimId().toString())
                .put("heldAt", h.heldAt().toString()).put("sentBy", h.actor().text());
    }

    /**
     * What a release-all or reject-all did.
     *
     * @param remaining held changes left (more than {@value #MAX_PER_ACTION}, or sent by the IdP meanwhile)
     * @param resumed   nothing remained, so the safeguard stopped holding and counts afresh
     */
    public record Summary(int applied, int stale, int rejected, long remaining, boolean resumed) {}

    /** Releases the held changes oldest first, each in its own transaction; resumes when none remain. */
    public Summary releaseAll(UUID orgId, Actor actor) {
        int applied = 0;
        int stale = 0;
        int done = 0;
        while (done < MAX_PER_ACTION) {
            List<HeldChange> batch = tx.read(c -> store.page(c, orgId, Optional.empty(), Math.min(MAX_PAGE, MAX_PER_ACTION)));
            if (batch.isEmpty()) break;
            List<UUID> ids = new ArrayList<>(batch.stream().map(HeldChange::id).toList());
            for (UUID id : ids) {
                if (done++ >= MAX_PER_ACTION) break;
                switch (release(orgId, id, actor)) {
                    case APPLIED -> applied++;
                    case STALE -> stale++;
                    case GONE -> { }
                }
            }
        }
        return finish(orgId, new Summary(applied, stale, 0, 0, false), actor);
    }

    /** Discards every held change and resumes: the accounts stay as they are. */
    public Summary rejectAll(UUID orgId, Actor actor) {
        return tx.inTransaction(c -> {
            store.lockOrganization(c, orgId);
            int rejected = store.deleteAll(c, orgId);
            store.resume(c, orgId);
            AuditTrail.record(c, orgId, actor, RESUMED, AuditTrail.Target.NONE, AuditTrail.detail("rejected", rejected));
            return new Summary(0, 0, rejected, 0, true);
        });
    }

    /** Resumes when nothing is held any more (under the organization's lock, so no hold slips in between). */
    private Summary finish(UUID orgId, Summary s, Actor actor) {
        return tx.inTransaction(c -> {
            store.lockOrganization(c, orgId);
            long remaining = store.countHeld(c, orgId);
            if (remaining > 0) return new Summary(s.applied(), s.stale(), s.rejected(), remaining, false);
            store.resume(c, orgId);
            AuditTrail.record(c, orgId, actor, RESUMED, AuditTrail.Target.NONE,
                    AuditTrail.detail("released", s.applied()).put("notApplied", s.stale()));
            return new Summary(s.applied(), s.stale(), s.rejected(), 0, true);
        });
    }
}
