package dev.lanyard.token;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A SCIM bearer token of one organization, as listed: never the secret.
 *
 * @param createdBy who issued it: "operator", a console admin's email, or "" (issued before this was recorded)
 * @param prefix    the secret's first characters ("lanyard_scim_Q2hx4kZp"), not a secret: it tells tokens
 *                  with the same label apart; "" for tokens issued before prefixes were kept
 */
public record ProvisioningToken(UUID id, UUID orgId, String label, String createdBy, Instant createdAt,
                                Optional<Instant> lastUsedAt, String prefix) {
    /** The createdBy of tokens issued with the operator credential (admin API, CLI). */
    public static final String OPERATOR = "operator";
    public static final int MAX_LABEL_LENGTH = 100;

    /** How many random characters of the secret the prefix shows (48 of its 256 bits). */
    static final int PREFIX_RANDOM_CHARS = 8;

    /** The prefix as shown, "lanyard_scim_Q2hx4kZp…", or "" when it was not kept. */
    public String shownPrefix() {
        return prefix.isEmpty() ? "" : prefix + "\u2026";
    }

    /** {@code SCIM token "okta" (lanyard_scim_Q2hx4kZp…)}, the label and the prefix when there are. */
    public String description() {
        String name = label.isEmpty() ? "SCIM token (no label)" : "SCIM token \"" + label + "\"";
        return prefix.isEmpty() ? name : name + " (" + shownPrefix() + ")";
    }

    /** A token just issued: the only moment its secret exists outside the IdP. */
    public record Issued(ProvisioningToken token, String secret) {}

    /** Who a valid bearer secret speaks for. */
    public record Holder(UUID tokenId, UUID orgId, boolean provisioningEnabled) {}
}
