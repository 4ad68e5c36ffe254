package dev.lanyard.group;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A group of an organization's managed accounts, as the IdP pushes it (Okta Push Groups, Entra
 * group provisioning): the SCIM Group resource (RFC 7643 §4.2) without its members, which are
 * rows of their own (see {@link GroupService}).
 *
 * @param id          the SCIM id
 * @param memberCount how many members it has, kept with every change (never counted on read)
 * @param version     bumped on every change, membership included: SCIM meta.version and the ETag
 */
public record Group(UUID id, UUID orgId, String displayName, Optional<String> externalId, long memberCount,
                    long version, Instant createdAt, Instant updatedAt) {}
