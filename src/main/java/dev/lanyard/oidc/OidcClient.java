package dev.lanyard.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An app registered with Lanyard: an OAuth 2.0 client (RFC 6749 §2) that signs members in by
 * OpenID Connect. A confidential client authenticates with one of its secrets at the token
 * endpoint; a public client has none and must use PKCE with S256 (RFC 7636).
 *
 * @param redirectUris       compared exactly, character for character (OIDC Core §3.1.2.1)
 * @param allOrganizations   every organization's members may use it; else only {@code organizations}
 * @param refreshTokenLifetime zero: no refresh tokens; else how long after sign-in they work (absolute)
 */
public record OidcClient(UUID id, String clientId, String name, List<String> redirectUris, boolean publicClient,
                         boolean allOrganizations, List<UUID> organizations, Duration accessTokenLifetime,
                         Duration refreshTokenLifetime, Instant createdAt) {

    public boolean allowsOrganization(UUID orgId) {
        return allOrganizations || organizations.contains(orgId);
    }

    public boolean issuesRefreshTokens() {
        return !refreshTokenLifetime.isZero();
    }
}
