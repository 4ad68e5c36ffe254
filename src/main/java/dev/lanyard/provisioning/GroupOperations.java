package dev.lanyard.provisioning;

import dev.lanyard.domain.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import dev.lanyard.account.Precondition;
import dev.lanyard.group.Group;
import dev.lanyard.group.GroupChange;
import dev.lanyard.group.GroupService;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.scim.GroupDocument;
import dev.lanyard.scim.GroupPatch;
import dev.lanyard.token.ProvisioningToken;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The changes to Groups (RFC 7644 §3.3, §3.5.1, §3.5.2, §3.6) without HTTP, shared by
 * {@link GroupRoutes} and the operations of a bulk request (§3.7): parse and check the body with
 * the scim package, hand the change to {@link GroupService}.
 */
final class GroupOperations {
    private final GroupService groups;

    GroupOperations(GroupService groups) {
        this.groups = groups;
    }

    Group create(ProvisioningToken.Holder caller, JsonNode body) throws ScimException {
        GroupDocument doc = GroupDocument.parse(body);
        return groups.create(caller.orgId(), new GroupService.Definition(doc.displayName(), doc.externalId(), doc.members()),
                actor(caller));
    }

    Group replace(ProvisioningToken.Holder caller, UUID id, Precondition condition, JsonNode body) throws ScimException {
        JsonNode sentId = body.get("id");
        if (sentId != null && sentId.isTextual() && !sentId.asText().equalsIgnoreCase(id.toString())) {
            throw BadRequestException.mutability("id is read-only: the body says " + sentId.asText() + " but the URL names " + id);
        }
        GroupDocument doc = GroupDocument.parse(body);
        return groups.replace(caller.orgId(), id, condition,
                new GroupService.Definition(doc.displayName(), doc.externalId(), doc.members()), actor(caller));
    }

    Group patch(ProvisioningToken.Holder caller, UUID id, Precondition condition, JsonNode body) throws ScimException {
        List<GroupChange> changes = GroupPatch.parse(body, id.toString()).stream().map(GroupOperations::change).toList();
        return groups.change(caller.orgId(), id, condition, changes, actor(caller));
    }

    void delete(ProvisioningToken.Holder caller, UUID id, Precondition condition) {
        groups.delete(caller.orgId(), id, condition, actor(caller));
    }

    /** A bulk operation's outcome (§3.7.3): status, version and location; no body. */
    static UserOperations.Result result(int status, Group g, String groupsUrl) {
        return new UserOperations.Result(status, g.id(), Optional.empty(), Optional.of(GroupRepresentation.etag(g)),
                groupsUrl + "/" + g.id());
    }

    static UUID groupId(String id) throws ResourceNotFoundException {
        return OrganizationService.parseUuid(id).orElseThrow(() -> notFound(id));
    }

    static ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException("no group with id " + id + " in this organization");
    }

    private static GroupChange change(GroupPatch.Op op) {
        return switch (op) {
            case GroupPatch.SetDisplayName s -> new GroupChange.Rename(s.displayName());
            case GroupPatch.SetExternalId s -> new GroupChange.SetExternalId(s.externalId());
            case GroupPatch.AddMembers a -> new GroupChange.AddMembers(a.members());
            case GroupPatch.RemoveMembers r -> new GroupChange.RemoveMembers(r.members());
            case GroupPatch.RemoveMembersWhere w -> new GroupChange.RemoveMembersWhere(w.filter());
            case GroupPatch.ReplaceMembers r -> new GroupChange.ReplaceMembers(r.members());
            case GroupPatch.RemoveAllMembers x -> new GroupChange.RemoveAllMembers();
        };
    }

    /** Groups record the same actor text as accounts ({@link Actor#text}). */
    private static String actor(ProvisioningToken.Holder caller) {
        return new Actor.ScimToken(caller.tokenId()).text();
    }
}
