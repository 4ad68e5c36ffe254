package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A sign-in identity of one organization. While the IdP manages it, it is also the SCIM User
 * with id {@code scimId}; its {@code email} is the IdP's userName.
 *
 * @param storedAttributes the IdP's SCIM data as stored (emails, name, enterprise extension ...);
 *                      {@link #attributes()} is its tree
 * @param version       bumped on every change: SCIM meta.version and the ETag
 * @param scimCreatedAt when the SCIM resource was created (kept across a userName change)
 */
public record ManagedAccount(UUID id, UUID orgId, String email, AccountStatus status, Optional<UUID> scimId,
                             Optional<String> externalId, Optional<String> displayName, StoredAttributes storedAttributes,
                             long version, Instant scimCreatedAt, Optional<UUID> successorId,
                             Instant createdAt, Instant updatedAt) {

    public ManagedAccount(UUID id, UUID orgId, String email, AccountStatus status, Optional<UUID> scimId,
                          Optional<String> externalId, Optional<String> displayName, ObjectNode attributes,
                          long version, Instant scimCreatedAt, Optional<UUID> successorId, Instant createdAt, Instant updatedAt) {
        this(id, orgId, email, status, scimId, externalId, displayName, StoredAttributes.of(attributes), version, scimCreatedAt,
                successorId, createdAt, updatedAt);
    }

    /** The IdP's SCIM data as a tree (parsed from the stored text when first asked for). */
    public ObjectNode attributes() {
        return storedAttributes.tree();
    }

    public boolean active() {
        return status == AccountStatus.ACTIVE;
    }

    /** A new account the IdP created (SCIM POST): version 1, its SCIM resource created now. */
    static ManagedAccount provisioned(UUID orgId, AccountProfile profile, AccountStatus status, UUID scimId, Instant now) {
        return new ManagedAccount(UUID.randomUUID(), orgId, profile.email(), status, Optional.of(scimId),
                profile.externalId(), profile.displayName(), profile.attributes(), 1, now, Optional.empty(), now, now);
    }

    /** This disabled account taken back by the IdP (a SCIM POST of its email): a new SCIM resource, the same account. */
    ManagedAccount reattached(AccountProfile profile, AccountStatus newStatus, UUID newScimId, Instant now) {
        return new ManagedAccount(id, orgId, profile.email(), newStatus, Optional.of(newScimId), profile.externalId(),
                profile.displayName(), profile.attributes(), version + 1, now, Optional.empty(), createdAt, now);
    }

    /**
     * The account that replaces this one after a new userName (docs/product-rules.md rule 7): a new
     * account that keeps the SCIM id and the SCIM resource's creation time, so the IdP notices nothing.
     */
    ManagedAccount successor(UUID successorId, AccountProfile profile, AccountStatus newStatus, long newVersion, Instant now) {
        return new ManagedAccount(successorId, orgId, profile.email(), newStatus, scimId, profile.externalId(),
                profile.displayName(), profile.attributes(), newVersion, scimCreatedAt, Optional.empty(), now, now);
    }

    /** This account with the IdP's new profile (PUT, PATCH, or a rename in place). */
    ManagedAccount updated(AccountProfile profile, AccountStatus newStatus, long newVersion, Instant now) {
        return new ManagedAccount(id, orgId, profile.email(), newStatus, scimId, profile.externalId(),
                profile.displayName(), profile.attributes(), newVersion, scimCreatedAt, Optional.empty(), createdAt, now);
    }

    /** This account released by the IdP (invalidated or disabled): its SCIM id is free again. */
    ManagedAccount unlinked(AccountStatus newStatus, long newVersion, Instant at) {
        return new ManagedAccount(id, orgId, email, newStatus, Optional.empty(), externalId, displayName, storedAttributes,
                newVersion, scimCreatedAt, successorId, createdAt, at);
    }

    ManagedAccount withSuccessor(UUID successor) {
        return new ManagedAccount(id, orgId, email, status, scimId, externalId, displayName, storedAttributes,
                version, scimCreatedAt, Optional.of(successor), createdAt, updatedAt);
    }
}
