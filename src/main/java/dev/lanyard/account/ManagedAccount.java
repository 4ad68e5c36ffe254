package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A sign-in identity of one organization. While the IdP manages it, it is also the SCIM User
 * with id {@code scimId}; its {@code email} is the IdP's userName.
 *
 * @param attributes    the IdP's SCIM data as stored (emails, name, enterprise extension ...)
 * @param version       bumped on every change: SCIM meta.version and the ETag
 * @param scimCreatedAt when the SCIM resource was created (kept across a userName change)
 */
public record ManagedAccount(UUID id, UUID orgId, String email, AccountStatus status, Optional<UUID> scimId,
                             Optional<String> externalId, Optional<String> displayName, ObjectNode attributes,
                             long version, Instant scimCreatedAt, Optional<UUID> successorId,
                             Instant createdAt, Instant updatedAt) {

    public boolean active() {
        return status == AccountStatus.ACTIVE;
    }

    /** This account released by the IdP (invalidated or disabled): its SCIM id is free again. */
    ManagedAccount unlinked(AccountStatus newStatus, long newVersion, Instant at) {
        return new ManagedAccount(id, orgId, email, newStatus, Optional.empty(), externalId, displayName, attributes,
                newVersion, scimCreatedAt, successorId, createdAt, at);
    }

    ManagedAccount withSuccessor(UUID successor) {
        return new ManagedAccount(id, orgId, email, status, scimId, externalId, displayName, attributes,
                version, scimCreatedAt, Optional.of(successor), createdAt, updatedAt);
    }
}
