package dev.lanyard.account;

import dev.lanyard.domain.Actor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What {@link AccountService} asks before the IdP takes access away: a change that turns an active
 * account into a deactivated one (PUT / PATCH {@code active: false}), or a SCIM DELETE. It runs in
 * the change's transaction, under the account's row lock, and only for such changes, so every
 * other request costs nothing. The mass-deprovisioning safeguard (docs/safeguard.md) implements it;
 * this package does not know it, so the two packages form no cycle.
 */
public interface DeprovisionGuard {
    /** How the IdP takes the account away. */
    enum Removal { DEACTIVATE, DELETE }

    /**
     * The change may not be applied now: it was recorded (in the same transaction, which commits
     * without the change) and the IdP is told why and when to come back.
     */
    record Hold(String detail, int retryAfterSeconds) {}

    /**
     * Empty: apply the change. Present: do not apply it; the guard has recorded it on {@code c}.
     *
     * @param current the account as locked, at the version the change was computed from
     * @param profile the new profile for {@link Removal#DEACTIVATE}, empty for a DELETE
     */
    Optional<Hold> check(Connection c, ManagedAccount current, Removal removal, Optional<AccountProfile> profile, Actor actor)
            throws SQLException;

    /** No guard: every change applies (tests, and organizations before the safeguard existed). */
    DeprovisionGuard NONE = (c, current, removal, profile, actor) -> Optional.empty();
}
