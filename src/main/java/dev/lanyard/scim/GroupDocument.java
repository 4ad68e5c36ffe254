package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A Group body of POST or PUT (RFC 7643 §4.2), checked whole before anything is stored:
 *
 * <pre>{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName":"Sales", "externalId":"00g1",
 *  "members":[{"value":"2819c223-7f76-453a-919d-413861904646", "display":"ann@example.com"}]}</pre>
 *
 * displayName is required (at most {@link #MAX_DISPLAY_NAME} characters); members are Users
 * (a {@code type} of "Group" is refused: this server does not nest groups); read-only
 * {@code id} and {@code meta} and unknown attributes are ignored, as for Users.
 */
public record GroupDocument(String displayName, Optional<String> externalId, List<UUID> members) {
    /** displayName and externalId are indexed: the same bound as a User's (InputLimits). */
    public static final int MAX_DISPLAY_NAME = InputLimits.MAX_INDEXED_STRING;

    public static GroupDocument parse(JsonNode body) throws BadRequestException {
        if (body == null || !body.isObject()) {
            throw BadRequestException.invalidSyntax("the request body must be a JSON object (a SCIM Group)");
        }
        checkSchemas(body.get("schemas"));
        String displayName = displayName(field(body, "displayName"));
        Optional<String> externalId = externalId(field(body, "externalId"));
        JsonNode members = field(body, "members");
        List<UUID> ids = members == null || members.isNull() ? List.of() : members(members, "members");
        return new GroupDocument(displayName, externalId, ids);
    }

    static String displayName(JsonNode v) throws BadRequestException {
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            throw BadRequestException.invalidValue("displayName is required: the group's name, unique in the organization");
        }
        if (!v.isTextual()) throw BadRequestException.invalidValue("displayName must be a string");
        String name = v.asText().strip();
        if (name.length() > MAX_DISPLAY_NAME) {
            throw BadRequestException.invalidValue("displayName is longer than " + MAX_DISPLAY_NAME + " characters");
        }
        return name;
    }

    static Optional<String> externalId(JsonNode v) throws BadRequestException {
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw BadRequestException.invalidValue("externalId must be a string");
        if (v.asText().length() > MAX_DISPLAY_NAME) {
            throw BadRequestException.invalidValue("externalId is longer than " + MAX_DISPLAY_NAME + " characters");
        }
        return v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    /**
     * Member ids from {@code [{"value":"<user id>"}, ...]} (a single object is read as a list of
     * one). A value that is not a UUID cannot be a User of this server: 400 invalidValue.
     */
    static List<UUID> members(JsonNode v, String where) throws BadRequestException {
        List<UUID> out = new ArrayList<>();
        for (JsonNode m : memberNodes(v, where)) {
            String value = memberValue(m, where);
            out.add(uuid(value).orElseThrow(() -> BadRequestException.invalidValue(where + ": \"" + value
                    + "\" is not a user of this organization (members[].value is a User id from /Users); nothing was changed")));
        }
        return out;
    }

    /** The same for a remove: a value that is no UUID names no member, so it is skipped (a no-op). */
    static List<UUID> memberIdsToRemove(JsonNode v, String where) throws BadRequestException {
        List<UUID> out = new ArrayList<>();
        for (JsonNode m : memberNodes(v, where)) uuid(memberValue(m, where)).ifPresent(out::add);
        return out;
    }

    private static List<JsonNode> memberNodes(JsonNode v, String where) throws BadRequestException {
        if (v.isObject()) return List.of(v);
        if (!v.isArray()) throw BadRequestException.invalidValue(where + " must be an array of {\"value\": \"<user id>\"}");
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    private static String memberValue(JsonNode m, String where) throws BadRequestException {
        if (!m.isObject()) throw BadRequestException.invalidValue(where + " must be an array of {\"value\": \"<user id>\"}");
        JsonNode type = field(m, "type");
        if (type != null && type.isTextual() && !type.asText().equalsIgnoreCase("User")) {
            throw BadRequestException.invalidValue(where + ": members of type \"" + type.asText() + "\" are not supported; "
                    + "groups on this server hold Users only (no nested groups)");
        }
        JsonNode value = field(m, "value");
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw BadRequestException.invalidValue(where + ": each member needs \"value\", the User's id");
        }
        return value.asText().strip();
    }

    static Optional<UUID> uuid(String text) {
        try {
            return text.length() == 36 ? Optional.of(UUID.fromString(text)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An attribute by name in any letter case (attribute names are case-insensitive, RFC 7643 §2.1). */
    static JsonNode field(JsonNode node, String name) {
        JsonNode exact = node.get(name);
        if (exact != null) return exact;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var f = it.next();
            if (f.getKey().equalsIgnoreCase(name)) return f.getValue();
        }
        return null;
    }

    private static void checkSchemas(JsonNode schemas) throws BadRequestException {
        if (schemas == null || schemas.isNull()) return;  // absent: we know what a /Groups body is
        if (!schemas.isArray()) throw BadRequestException.invalidSyntax("schemas must be an array of schema URNs");
        for (JsonNode s : schemas) {
            if (!s.isTextual()) throw BadRequestException.invalidSyntax("schemas must be an array of schema URNs");
            if (s.asText().toLowerCase(Locale.ROOT).equals(ScimJson.GROUP_SCHEMA.toLowerCase(Locale.ROOT))) return;
        }
        throw BadRequestException.invalidValue("schemas must contain " + ScimJson.GROUP_SCHEMA);
    }
}
