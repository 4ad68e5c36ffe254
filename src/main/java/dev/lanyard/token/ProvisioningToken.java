package dev.lanyard.token;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A SCIM bearer token of one organization, as listed: never the secret.
 *
 * @param createdBy who issued it: "operator", a console admin's email, or "" (issued before this was recorded)
 */
public record ProvisioningToken(UUID id, UUID orgId, String label, String createdBy, Instant createdAt,
                                Optional<Instant> lastUsedAt) {
    /** The createdBy of tokens issued with the operator credential (admin API, CLI). */
    public static final String OPERATOR = "operator";
    public static final int MAX_LABEL_LENGTH = 100;

    /** A token just issued: the only moment its secret exists outside the IdP. */
    public record Issued(ProvisioningToken token, String secret) {}

    /** Who a valid bearer secret speaks for. */
    public record Holder(UUID tokenId, UUID orgId, boolean provisioningEnabled) {}
}
