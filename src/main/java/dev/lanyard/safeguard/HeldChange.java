package dev.lanyard.safeguard;

import dev.lanyard.account.AccountProfile;
import dev.lanyard.domain.Actor;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A deactivation or deletion the safeguard held instead of applying.
 *
 * @param version        the account's version the IdP's change was computed from
 * @param profile        the whole change for a deactivation (PUT / PATCH), empty for a DELETE
 * @param requests       how often the IdP sent it (its retries refresh this one record)
 * @param currentVersion the account's version now, empty when the IdP no longer holds the user:
 *                       when it differs from {@code version}, a release will not apply the change
 */
public record HeldChange(UUID id, UUID orgId, UUID scimId, UUID accountId, String email, Kind kind, long version,
                         Optional<AccountProfile> profile, Actor actor, Instant heldAt, Instant lastSentAt, int requests,
                         Optional<Long> currentVersion) {
    public enum Kind {
        DEACTIVATE("deactivate"), DELETE("delete");

        private final String dbValue;

        Kind(String dbValue) {
            this.dbValue = dbValue;
        }

        public String dbValue() {
            return dbValue;
        }

        static Kind parse(String value) {
            return value.equals("delete") ? DELETE : DEACTIVATE;
        }
    }

    /** The user changed after the change was held (or is gone): releasing it would apply nothing. */
    public boolean stale() {
        return currentVersion.map(v -> v != version).orElse(true);
    }
}
