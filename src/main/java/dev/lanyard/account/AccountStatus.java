package dev.lanyard.account;

import java.util.Locale;

/**
 * Where a managed account stands. Only {@code ACTIVE} accounts may sign in.
 *
 * <ul>
 *   <li>{@code ACTIVE}, {@code DEACTIVATED}: managed by the IdP (SCIM {@code active} true / false)</li>
 *   <li>{@code INVALIDATED}: the IdP changed the userName; the account is kept for the record and
 *       points to its successor</li>
 *   <li>{@code DISABLED}: the IdP deleted the SCIM resource; kept until an admin deletes it, and
 *       re-attached if the IdP creates the same userName again</li>
 * </ul>
 */
public enum AccountStatus {
    ACTIVE, DEACTIVATED, INVALIDATED, DISABLED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AccountStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Still under the IdP's control, so still a SCIM resource. */
    public boolean isLinked() {
        return this == ACTIVE || this == DEACTIVATED;
    }

    /**
     * May an admin delete it by hand? Every account that is not active (docs/product-rules.md rule 10):
     * deactivated ones included, since Okta never sends a SCIM DELETE (deleting a person in Okta
     * deactivates them), so "deleted in the IdP" arrives as deactivated.
     */
    public boolean isDeletableByHand() {
        return this != ACTIVE;
    }
}
