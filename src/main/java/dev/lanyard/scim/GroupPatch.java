package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.EqualFilter;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.OrFilter;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * PATCH for Groups (RFC 7644 §3.5.2), read into the few operations a group has, so that member
 * changes name exactly the members that change and never rewrite the list. The forms IdPs send:
 *
 * <pre>{"op":"add","path":"members","value":[{"value":"&lt;id&gt;"}]}                Okta, Entra: add
 * {"op":"remove","path":"members[value eq \"&lt;id&gt;\"]"}                       Okta: remove one
 * {"op":"remove","path":"members","value":[{"value":"&lt;id&gt;"}]}             Entra, authentik: remove only those
 * {"op":"replace","path":"members","value":[...]}                      a full push: the members become these
 * {"op":"replace","value":{"id":"&lt;group id&gt;","displayName":"Sales"}}        Okta: sent on every push, a rename at most
 * {"op":"Replace","path":"displayName","value":"Sales"}                Entra (capitalised op)</pre>
 *
 * A remove of {@code members} without a value empties the group (§3.5.2.2). Operations apply in
 * order, all or none; at most {@link #MAX_OPERATIONS}.
 */
public final class GroupPatch {
    /** The same bound as a User's PATCH; members go many to one operation, so pushes stay far below it. */
    public static final int MAX_OPERATIONS = InputLimits.MAX_PATCH_OPERATIONS;

    /** One group operation, member ids already read. */
    public sealed interface Op {}

    public record SetDisplayName(String displayName) implements Op {}

    public record SetExternalId(Optional<String> externalId) implements Op {}

    public record AddMembers(List<UUID> members) implements Op {}

    public record RemoveMembers(List<UUID> members) implements Op {}

    /** {@code remove members[<filter>]} that is not a plain list of {@code value eq}. */
    public record RemoveMembersWhere(Filter filter) implements Op {}

    public record ReplaceMembers(List<UUID> members) implements Op {}

    public record RemoveAllMembers() implements Op {}

    private GroupPatch() {}

    /** Reads a PatchOp body for the group {@code groupId}. */
    public static List<Op> parse(JsonNode body, String groupId) throws BadRequestException {
        if (body == null || !body.isObject()) {
            throw BadRequestException.invalidSyntax("the request body must be a JSON object (a SCIM PatchOp)");
        }
        JsonNode schemas = GroupDocument.field(body, "schemas");
        if (schemas != null && !(schemas.isArray() && contains(schemas, ScimJson.PATCH_OP))) {
            throw BadRequestException.invalidSyntax("schemas must contain " + ScimJson.PATCH_OP);
        }
        JsonNode operations = GroupDocument.field(body, "Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw BadRequestException.invalidSyntax("a PatchOp needs a non-empty \"Operations\" array");
        }
        if (operations.size() > MAX_OPERATIONS) {
            throw BadRequestException.invalidValue("a PatchOp may have at most " + MAX_OPERATIONS + " operations");
        }
        List<Op> out = new ArrayList<>();
        int index = 0;
        for (JsonNode op : operations) out.addAll(operation(op, "Operations[" + (index++) + "]", groupId));
        return out;
    }

    private static List<Op> operation(JsonNode op, String where, String groupId) throws BadRequestException {
        if (!op.isObject()) throw BadRequestException.invalidSyntax(where + " must be a JSON object");
        JsonNode name = GroupDocument.field(op, "op");
        if (name == null || !name.isTextual()) throw BadRequestException.invalidSyntax(where + " needs \"op\": add, remove or replace");
        // Entra sends "Add", "Replace", "Remove" (IdpQuirks has the source); the RFC's names are lower case.
        String verb = name.asText().toLowerCase(Locale.ROOT);
        if (!List.of("add", "remove", "replace").contains(verb)) {
            throw BadRequestException.invalidSyntax(where + ".op must be add, remove or replace, got \"" + name.asText() + "\"");
        }
        JsonNode pathNode = GroupDocument.field(op, "path");
        JsonNode value = GroupDocument.field(op, "value");
        if (pathNode != null && !pathNode.isNull() && !pathNode.isTextual()) {
            throw BadRequestException.invalidSyntax(where + ".path must be a string");
        }
        String path = pathNode == null || pathNode.isNull() ? "" : pathNode.asText().strip();
        if (path.isEmpty()) return withoutPath(verb, value, where, groupId);

        Path parsed;
        try {
            parsed = Path.fromString(path);
        } catch (BadRequestException e) {
            throw BadRequestException.invalidPath(where + ": the path \"" + path + "\" cannot be read: " + e.getMessage());
        }
        String urn = parsed.getSchemaUrn();
        if (urn != null && !urn.equalsIgnoreCase(ScimJson.GROUP_SCHEMA)) {
            throw BadRequestException.invalidPath(where + ": groups have no attributes of " + urn);
        }
        if (parsed.size() != 1) {
            throw BadRequestException.invalidPath(where + ": \"" + path + "\" is not an attribute a PATCH can change; "
                    + "use displayName, externalId, members or members[value eq \"<user id>\"]");
        }
        Path.Element element = parsed.getElement(0);
        String attribute = element.getAttribute().toLowerCase(Locale.ROOT);
        Filter filter = element.getValueFilter();
        switch (attribute) {
            case "displayname" -> {
                if (verb.equals("remove")) throw BadRequestException.mutability(where + ": displayName is required and cannot be removed");
                return List.of(new SetDisplayName(GroupDocument.displayName(value)));
            }
            case "externalid" -> {
                return List.of(new SetExternalId(verb.equals("remove") ? Optional.empty() : GroupDocument.externalId(value)));
            }
            case "members" -> {
                return members(verb, filter, value, where);
            }
            case "id", "meta" -> throw BadRequestException.mutability(where + ": " + element.getAttribute() + " is read-only");
            default -> throw BadRequestException.invalidPath(where + ": groups have no attribute \"" + element.getAttribute()
                    + "\"; use displayName, externalId or members");
        }
    }

    private static List<Op> members(String verb, Filter filter, JsonNode value, String where) throws BadRequestException {
        if (filter != null) {
            if (!verb.equals("remove")) {
                throw BadRequestException.invalidPath(where + ": members[...] can only be removed; add members with "
                        + "{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"<user id>\"}]}");
            }
            Optional<List<UUID>> listed = valueList(filter);
            return List.of(listed.isPresent() ? new RemoveMembers(listed.get()) : new RemoveMembersWhere(filter));
        }
        return switch (verb) {
            case "add" -> List.of(new AddMembers(GroupDocument.members(required(value, where), where + ".value")));
            case "replace" -> List.of(new ReplaceMembers(value == null || value.isNull() ? List.of()
                    : GroupDocument.members(value, where + ".value")));
            // Entra and authentik send the members to remove as the value: remove those, and only those.
            default -> List.of(value == null || value.isNull() || (value.isArray() && value.isEmpty())
                    ? new RemoveAllMembers() : new RemoveMembers(GroupDocument.memberIdsToRemove(value, where + ".value")));
        };
    }

    /** A path-less add or replace: {"displayName": ..., "externalId": ..., "members": [...], "id": ...}. */
    private static List<Op> withoutPath(String verb, JsonNode value, String where, String groupId) throws BadRequestException {
        if (verb.equals("remove")) {
            throw BadRequestException.noTarget(where + " is a remove without a path; name the attribute to remove");
        }
        if (value == null || !value.isObject()) {
            throw BadRequestException.invalidSyntax(where + " (" + verb + ") without a path needs an object value");
        }
        List<Op> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            var f = it.next();
            switch (f.getKey().toLowerCase(Locale.ROOT)) {
                case "displayname" -> out.add(new SetDisplayName(GroupDocument.displayName(f.getValue())));
                case "externalid" -> out.add(new SetExternalId(GroupDocument.externalId(f.getValue())));
                case "members" -> {
                    List<UUID> ids = f.getValue().isNull() ? List.of() : GroupDocument.members(f.getValue(), where + ".value.members");
                    out.add(verb.equals("add") ? new AddMembers(ids) : new ReplaceMembers(ids));
                }
                case "id" -> {
                    // Okta repeats the group's own id in its rename replace; another id is a confused client.
                    if (!f.getValue().isTextual() || !f.getValue().asText().equalsIgnoreCase(groupId)) {
                        throw BadRequestException.mutability(where + ": id is read-only (the URL names " + groupId + ")");
                    }
                }
                default -> { }  // schemas, meta, unknown attributes: ignored, as for Users
            }
        }
        return out;
    }

    /** {@code value eq "a" or value eq "b"}: the ids it names; empty when the filter is anything else. */
    private static Optional<List<UUID>> valueList(Filter filter) {
        List<UUID> ids = new ArrayList<>();
        return collect(filter, ids) ? Optional.of(ids) : Optional.empty();
    }

    private static boolean collect(Filter f, List<UUID> ids) {
        if (f instanceof OrFilter or) {
            for (Filter sub : or.getCombinedFilters()) if (!collect(sub, ids)) return false;
            return true;
        }
        if (f instanceof EqualFilter eq && eq.getAttributePath().size() == 1 && eq.getAttributePath().getSchemaUrn() == null
                && eq.getAttributePath().getElement(0).getAttribute().equalsIgnoreCase("value")
                && eq.getComparisonValue() != null && eq.getComparisonValue().isTextual()) {
            // A value that is no UUID names no member: nothing to remove, which is no error.
            GroupDocument.uuid(eq.getComparisonValue().asText().strip()).ifPresent(ids::add);
            return true;
        }
        return false;
    }

    private static JsonNode required(JsonNode value, String where) throws BadRequestException {
        if (value == null || value.isNull()) throw BadRequestException.invalidSyntax(where + " (add) needs a \"value\"");
        return value;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (n.isTextual() && n.asText().equalsIgnoreCase(value)) return true;
        return false;
    }
}
