package dev.lanyard.provisioning;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.group.GroupService;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.scim.UserDocument;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A managed account as the SCIM User the IdP sees (RFC 7643 §4.1): its SCIM id, the stored
 * attributes, {@code active} from the account's status, and {@code meta} (§3.1).
 */
final class UserRepresentation {
    private UserRepresentation() {}

    static ObjectNode render(ManagedAccount account, String usersUrl) {
        String id = account.scimId().orElseThrow().toString();
        ObjectNode out = UserDocument.toScim(id, account.email(), account.active(), account.attributes());
        ObjectNode meta = out.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", account.scimCreatedAt().toString());
        meta.put("lastModified", account.updatedAt().toString());
        meta.put("location", usersUrl + "/" + id);
        meta.put("version", etag(account));
        return out;
    }

    /**
     * The same User with its groups, as {@link #render} and {@link UserGroups#attachBeside} make
     * it, written straight to {@code out}: the stored attributes' text is copied as it is when
     * nothing parsed it ({@link dev.lanyard.account.StoredAttributes}), and no tree is built. For a
     * page whose answer carries every attribute (issue 16: parsing the attributes, building the
     * answer's tree and writing it was about 6 % of a lookup's JVM CPU). The same members in the
     * same order; UserRepresentationTest compares the two.
     *
     * @param groups the user's groups (none: no {@code groups} attribute, as an unassigned one is left out)
     */
    static void write(JsonGenerator out, ManagedAccount account, String usersUrl, List<GroupService.Membership> groups,
                      String groupsUrl) throws IOException {
        String id = account.scimId().orElseThrow().toString();
        out.writeStartObject();
        out.writeArrayFieldStart("schemas");
        out.writeString(ScimJson.USER_SCHEMA);
        if (account.storedAttributes().has(ScimJson.ENTERPRISE_USER_SCHEMA)) out.writeString(ScimJson.ENTERPRISE_USER_SCHEMA);
        out.writeEndArray();
        out.writeStringField("id", id);
        out.writeStringField("userName", account.email());
        Optional<String> text = account.storedAttributes().untouchedText();
        if (text.isPresent()) {
            String members = members(text.get());
            // Raw text bypasses the generator's bookkeeping: the comma before these members is
            // ours; the generator writes the one after them, as a value was written last.
            if (!members.isEmpty()) out.writeRaw("," + members);
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = account.attributes().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                out.writeFieldName(f.getKey());
                out.writeTree(f.getValue());
            }
        }
        out.writeBooleanField("active", account.active());
        out.writeObjectFieldStart("meta");
        out.writeStringField("resourceType", "User");
        out.writeStringField("created", account.scimCreatedAt().toString());
        out.writeStringField("lastModified", account.updatedAt().toString());
        out.writeStringField("location", usersUrl + "/" + id);
        out.writeStringField("version", etag(account));
        out.writeEndObject();
        if (!groups.isEmpty()) {
            out.writeArrayFieldStart("groups");
            for (GroupService.Membership m : groups) {
                out.writeStartObject();
                out.writeStringField("value", m.groupId().toString());
                out.writeStringField("$ref", groupsUrl + "/" + m.groupId());
                out.writeStringField("display", m.displayName());
                out.writeStringField("type", "direct");
                out.writeEndObject();
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }

    /** The members of a JSON object's text, without its braces: {@code {"a": 1, "b": 2}} -> {@code "a": 1, "b": 2}. */
    private static String members(String object) {
        String s = object.strip();
        if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
            throw new IllegalStateException("managed_accounts.attributes is not a JSON object");
        }
        return s.substring(1, s.length() - 1).strip();
    }

    /** A weak ETag: equal versions mean semantically equal resources (RFC 7644 §3.14). */
    static String etag(ManagedAccount account) {
        return "W/\"" + account.version() + "\"";
    }
}
