package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.group.GroupService;
import dev.lanyard.scim.Projection;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A User's read-only {@code groups} attribute (RFC 7643 §4.1.2), computed from the memberships:
 * for a page, one user read and a change's answer, in the statement that reads the accounts
 * ({@link #beside}); for the root search's Users ({@code POST /.search}), one query;
 * none when the response leaves {@code groups} out ({@code attributes=userName},
 * {@code excludedAttributes=groups}). Direct memberships only: groups do not nest.
 *
 * <pre>"groups":[{"value":"&lt;group id&gt;","$ref":".../Groups/&lt;group id&gt;","display":"Sales","type":"direct"}]</pre>
 */
final class UserGroups {
    private final GroupService groups;

    UserGroups(GroupService groups) {
        this.groups = groups;
    }

    /** Adds {@code groups} to each rendered User that is in any group, if the projection returns it. */
    void attach(java.util.UUID orgId, List<ObjectNode> users, Projection projection, String groupsUrl) {
        if (users.isEmpty() || !projection.returns("groups")) return;
        List<UUID> ids = users.stream().map(u -> UUID.fromString(u.get("id").asText())).toList();
        attach(users, groups.groupsOf(orgId, ids), groupsUrl);
    }

    /**
     * What a read of users (a page, or one user) must read beside each account for
     * {@link #attachBeside}: their groups, in the read's own statement (one round trip instead of
     * two, issue 16); nothing if the projection leaves {@code groups} out.
     */
    static java.util.Optional<String> beside(Projection projection) {
        return projection.returns("groups") ? java.util.Optional.of(GroupService.GROUPS_BESIDE_ACCOUNTS) : java.util.Optional.empty();
    }

    /** Adds {@code groups} to Users from what their read brought beside them ({@link #beside}), by SCIM id. */
    static void attachBeside(List<ObjectNode> users, Map<UUID, String> beside, Projection projection, String groupsUrl) {
        if (users.isEmpty() || !projection.returns("groups")) return;
        Map<UUID, List<GroupService.Membership>> memberships = new java.util.HashMap<>();
        beside.forEach((scimId, json) -> memberships.put(scimId, GroupService.memberships(scimId, json)));
        attach(users, memberships, groupsUrl);
    }

    private static void attach(List<ObjectNode> users, Map<UUID, List<GroupService.Membership>> memberships, String groupsUrl) {
        for (ObjectNode user : users) {
            List<GroupService.Membership> of = memberships.get(UUID.fromString(user.get("id").asText()));
            if (of == null) continue;  // no groups: the attribute is left out, as an unassigned one is
            ArrayNode array = user.putArray("groups");
            for (GroupService.Membership m : of) {
                array.addObject().put("value", m.groupId().toString()).put("$ref", groupsUrl + "/" + m.groupId())
                        .put("display", m.displayName()).put("type", "direct");
            }
        }
    }
}
