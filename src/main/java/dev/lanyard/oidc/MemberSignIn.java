package dev.lanyard.oidc;

import io.javalin.http.Context;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The seam to member sign-in (SAML, in the sso package; wired in App so neither package imports
 * the other). The authorization endpoint asks who is signed in to the organization in this
 * browser; when nobody is (or the app asked for a fresh sign-in) it sends the browser to
 * {@link #signInUrl}, which comes back to {@link OidcRoutes#RESUME} once the IdP has answered.
 */
public interface MemberSignIn {
    /** A member signed in to an organization: their account and when they signed in (auth_time). */
    record SignedIn(UUID accountId, Instant authTime) {}

    /** The active member of {@code orgId} signed in in this browser, if any. */
    Optional<SignedIn> current(Context ctx, UUID orgId);

    /**
     * A local URL that starts the organization's sign-in and ends at {@link OidcRoutes#RESUME};
     * with {@code reauthenticate} the IdP is asked to authenticate the person again even if it has
     * a session (SAML {@code ForceAuthn="true"}), for {@code prompt=login} and an exceeded
     * {@code max_age} (OpenID Connect Core 1.0 §3.1.2.1).
     */
    String signInUrl(UUID orgId, boolean reauthenticate);
}
