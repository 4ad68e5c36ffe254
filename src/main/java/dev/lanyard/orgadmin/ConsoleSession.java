package dev.lanyard.orgadmin;

import dev.lanyard.domain.Actor;

import java.util.Optional;
import java.util.UUID;

/**
 * Who is signed in, as every console page needs it: an organization's admin, or the operator
 * looking after one organization; the organization; and the CSRF token the page's forms carry.
 * Looked up by the hash of the {@code lanyard_session} cookie.
 *
 * @param adminId            empty for the operator
 * @param email              the admin's email; "operator" for the operator
 * @param orgId              the organization the pages act on; null only for an operator who has not opened one yet
 * @param mustChangePassword the admin signed in with a one-time password and has not chosen their own yet
 * @param safeguardTripped   the organization's mass-deprovisioning safeguard holds the IdP's deactivations
 *                           (docs/safeguard.md): every page shows a banner
 */
public record ConsoleSession(Optional<UUID> adminId, String email, UUID orgId, String orgName, String csrfToken,
                             boolean mustChangePassword, boolean safeguardTripped) {
    public static final String OPERATOR = "operator";

    public ConsoleSession(Optional<UUID> adminId, String email, UUID orgId, String orgName, String csrfToken,
                          boolean mustChangePassword) {
        this(adminId, email, orgId, orgName, csrfToken, mustChangePassword, false);
    }

    public boolean operator() {
        return adminId.isEmpty();
    }

    /** Who acts through this session: the admin, or the operator. */
    public Actor actor() {
        return adminId.<Actor>map(Actor.Admin::new).orElse(Actor.OPERATOR);
    }

    public boolean hasOrganization() {
        return orgId != null;
    }
}
