package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.types.AttributeDefinition;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A SCIM User as a client sent it (POST, PUT, or the result of a PATCH), checked against
 * {@link UserSchema} and reduced to what Lanyard stores.
 *
 * <p>Liberal only where real IdPs need it ({@link IdpQuirks} lists each case with its source):
 * attribute names in any letter case (RFC 7643 §2.1), {@code null} and {@code ""} meaning absent,
 * string booleans, unknown attributes ignored (Entra's Postman suite expects a misspelled
 * attribute on PUT to be ignored), readOnly attributes (id, meta, groups: Okta's PUT carries
 * them) ignored as RFC 7644 §3.5.1 says, and a missing {@code schemas}. Strict about everything
 * else ({@link AttributeValues}): a singular attribute given an array, a multi-valued one given
 * anything but an array, a value of another type, a string over {@link InputLimits}, or one
 * attribute spelled twice is 400 {@code invalidValue} naming it, even for the password, which is
 * never stored.
 *
 * @param userName   the userName as sent (letter case kept; Okta checks it is echoed exactly)
 * @param active     absent when the client did not say
 * @param attributes canonical names, schema types, without id, meta, userName, active, password
 */
public record UserDocument(String userName, Optional<String> externalId, Optional<String> displayName,
                           Optional<Boolean> active, ObjectNode attributes) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static UserDocument parse(JsonNode body) throws BadRequestException {
        if (body == null || !body.isObject()) {
            throw BadRequestException.invalidSyntax("the request body must be a JSON object (a SCIM User)");
        }
        checkSchemas(body);
        ObjectNode clean = NODES.objectNode();
        ObjectNode enterprise = null;
        Map<String, String> seen = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equalsIgnoreCase(ScimJson.ENTERPRISE_USER_SCHEMA)) {
                AttributeValues.once(seen, ScimJson.ENTERPRISE_USER_SCHEMA, key, "");
                if (value == null || value.isNull()) continue;
                if (!value.isObject()) {
                    throw AttributeValues.wrongType(ScimJson.ENTERPRISE_USER_SCHEMA, "a JSON object", value);
                }
                enterprise = AttributeValues.complex(value, UserSchema.ENTERPRISE.getAttributes(),
                        ScimJson.ENTERPRISE_USER_SCHEMA + ":", "");
                continue;
            }
            key = AttributePath.withoutCoreUrn(key, ScimJson.USER_SCHEMA);  // "urn:...:User:userName"
            Optional<AttributeDefinition> def = UserSchema.core(key);
            if (def.isEmpty()) continue;  // unknown: ignored (see class comment)
            AttributeDefinition d = def.get();
            AttributeValues.once(seen, d.getName(), field.getKey(), "");
            if (d.getMutability() == AttributeDefinition.Mutability.READ_ONLY) continue;
            if (d.getName().equals("schemas")) continue;  // checked above; toScim derives it from what is stored
            // password is never stored, but a value of the wrong type is still a client error.
            JsonNode typed = AttributeValues.of(d, value, key, d.getName());
            if (d.getReturned() == AttributeDefinition.Returned.NEVER) continue;
            if (typed != null) clean.set(d.getName(), typed);
        }

        JsonNode userName = clean.remove("userName");
        if (userName == null || userName.asText().isBlank()) {
            throw BadRequestException.invalidValue("userName is required");
        }
        JsonNode active = clean.remove("active");
        if (enterprise != null && !enterprise.isEmpty()) clean.set(ScimJson.ENTERPRISE_USER_SCHEMA, enterprise);
        return new UserDocument(userName.asText(),
                Optional.ofNullable(clean.get("externalId")).map(JsonNode::asText),
                Optional.ofNullable(clean.get("displayName")).map(JsonNode::asText),
                Optional.ofNullable(active).map(JsonNode::booleanValue),
                clean);
    }

    /** The document as a full SCIM User body again (without id and meta), e.g. as a PATCH base. */
    public static ObjectNode toScim(String userName, boolean active, ObjectNode attributes) {
        return toScim(null, userName, active, attributes);
    }

    /**
     * The same with the resource's {@code id} after {@code schemas}, where a response has it (the
     * caller adds {@code meta}): built in one object, not copied from the one above.
     */
    public static ObjectNode toScim(String id, String userName, boolean active, ObjectNode attributes) {
        ObjectNode out = NODES.objectNode();
        ArrayNode schemas = out.putArray("schemas").add(ScimJson.USER_SCHEMA);
        if (attributes.has(ScimJson.ENTERPRISE_USER_SCHEMA)) schemas.add(ScimJson.ENTERPRISE_USER_SCHEMA);
        if (id != null) out.put("id", id);
        out.put("userName", userName);
        out.setAll(attributes);
        out.put("active", active);
        return out;
    }

    private static void checkSchemas(JsonNode body) throws BadRequestException {
        // Absent: we know what a /Users body is, and some IdP templates leave it out (kept on purpose).
        if (!body.has("schemas")) return;
        JsonNode schemas = body.get("schemas");
        if (!schemas.isArray()) throw BadRequestException.invalidSyntax("schemas must be an array of schema URNs");
        boolean user = false;
        for (JsonNode s : schemas) {
            if (!s.isTextual()) throw BadRequestException.invalidSyntax("schemas must be an array of schema URNs");
            if (s.asText().equalsIgnoreCase(ScimJson.USER_SCHEMA) || IdpQuirks.legacyCoreSchema(s.asText())) user = true;
        }
        if (!user) {
            throw BadRequestException.invalidSyntax("schemas must contain " + ScimJson.USER_SCHEMA);
        }
    }

}
