package dev.lanyard.group;

import com.unboundid.scim2.common.filters.Filter;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One change to a group, as a PATCH operation (RFC 7644 §3.5.2) or a PUT means it. Member
 * changes name only the members that change; {@link GroupService} turns each into a delta on the
 * membership rows, so its cost follows the size of the change, not of the group.
 */
public sealed interface GroupChange {
    /** {@code replace displayName}. */
    record Rename(String displayName) implements GroupChange {}

    /** {@code replace externalId} (present) or {@code remove externalId} (empty). */
    record SetExternalId(Optional<String> externalId) implements GroupChange {}

    /** {@code add members [...]}: members already there stay as they are. */
    record AddMembers(List<UUID> members) implements GroupChange {}

    /** {@code remove members[value eq "x"]} or {@code remove members} with a value list: absent ones are ignored. */
    record RemoveMembers(List<UUID> members) implements GroupChange {}

    /** {@code remove members[<filter>]} for any other filter on a member ({@code value}, {@code type}). */
    record RemoveMembersWhere(Filter filter) implements GroupChange {}

    /** {@code replace members [...]} (Okta's full push) or PUT: the members become exactly these. */
    record ReplaceMembers(List<UUID> members) implements GroupChange {}

    /** {@code remove members} without a value: the group is emptied (RFC 7644 §3.5.2.2). */
    record RemoveAllMembers() implements GroupChange {}
}
