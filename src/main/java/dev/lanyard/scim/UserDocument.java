package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.types.AttributeDefinition;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A SCIM User as a client sent it (POST, PUT, or the result of a PATCH), checked against
 * {@link UserSchema} and reduced to what Lanyard stores.
 *
 * <p>Liberal in what it accepts, as real IdPs need: attribute names in any letter case,
 * {@code "True"}/{@code "False"} strings for booleans (Entra ID without its compatibility flag,
 * OneLogin templates: shared/reference/idp-clients.md b.2, c), {@code null} meaning absent,
 * unknown attributes ignored (Entra's Postman suite expects a misspelled attribute on PUT to be
 * ignored), and readOnly attributes (id, meta, groups: Okta's PUT carries them) ignored as
 * RFC 7644 §3.5.1 says. Strict in what it keeps: every stored value has its schema type, or the
 * request fails with 400 {@code invalidValue} naming the attribute.
 *
 * @param userName   the userName as sent (letter case kept; Okta checks it is echoed exactly)
 * @param active     absent when the client did not say
 * @param attributes canonical names, schema types, without id, meta, userName, active, password
 */
public record UserDocument(String userName, Optional<String> externalId, Optional<String> displayName,
                           Optional<Boolean> active, ObjectNode attributes) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String LEGACY_CORE_SCHEMA = "urn:scim:schemas:core:1.0";

    public static UserDocument parse(JsonNode body) throws BadRequestException {
        if (body == null || !body.isObject()) {
            throw BadRequestException.invalidSyntax("the request body must be a JSON object (a SCIM User)");
        }
        checkSchemas(body.get("schemas"));
        ObjectNode clean = NODES.objectNode();
        ObjectNode enterprise = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equalsIgnoreCase(ScimJson.ENTERPRISE_USER_SCHEMA)) {
                if (value == null || value.isNull()) continue;
                if (!value.isObject()) {
                    throw BadRequestException.invalidValue(ScimJson.ENTERPRISE_USER_SCHEMA + " must be a JSON object");
                }
                enterprise = complexValue(value, UserSchema.ENTERPRISE.getAttributes(), ScimJson.ENTERPRISE_USER_SCHEMA + ":");
                continue;
            }
            if (key.regionMatches(true, 0, ScimJson.USER_SCHEMA + ":", 0, ScimJson.USER_SCHEMA.length() + 1)) {
                key = key.substring(ScimJson.USER_SCHEMA.length() + 1);  // "urn:...:User:userName"
            }
            Optional<AttributeDefinition> def = UserSchema.core(key);
            if (def.isEmpty()) continue;  // unknown: ignored (see class comment)
            AttributeDefinition d = def.get();
            if (d.getMutability() == AttributeDefinition.Mutability.READ_ONLY) continue;
            if (d.getReturned() == AttributeDefinition.Returned.NEVER) continue;  // password: never stored
            if (d.getName().equals("schemas")) continue;  // toScim derives it from what is stored
            JsonNode typed = attributeValue(d, value, d.getName());
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
        ObjectNode out = NODES.objectNode();
        ArrayNode schemas = out.putArray("schemas").add(ScimJson.USER_SCHEMA);
        if (attributes.has(ScimJson.ENTERPRISE_USER_SCHEMA)) schemas.add(ScimJson.ENTERPRISE_USER_SCHEMA);
        out.put("userName", userName);
        out.setAll(attributes);
        out.put("active", active);
        return out;
    }

    private static void checkSchemas(JsonNode schemas) throws BadRequestException {
        if (schemas == null || schemas.isNull()) return;  // absent: we know what a /Users body is
        if (!schemas.isArray()) throw BadRequestException.invalidSyntax("schemas must be an array of schema URNs");
        boolean user = false;
        for (JsonNode s : schemas) {
            if (!s.isTextual()) throw BadRequestException.invalidSyntax("schemas must be an array of schema URNs");
            // OneLogin's SCIM templates still carry the SCIM 1.1 core URN (idp-clients.md c).
            if (s.asText().equalsIgnoreCase(ScimJson.USER_SCHEMA) || s.asText().equalsIgnoreCase(LEGACY_CORE_SCHEMA)) user = true;
        }
        if (!user) {
            throw BadRequestException.invalidSyntax("schemas must contain " + ScimJson.USER_SCHEMA);
        }
    }

    private static ObjectNode complexValue(JsonNode value, java.util.Collection<AttributeDefinition> subs, String prefix)
            throws BadRequestException {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Optional<AttributeDefinition> def = subs.stream()
                    .filter(d -> d.getName().equalsIgnoreCase(field.getKey())).findFirst();
            if (def.isEmpty()) continue;
            AttributeDefinition d = def.get();
            if (d.getMutability() == AttributeDefinition.Mutability.READ_ONLY) continue;  // manager.displayName
            JsonNode typed = attributeValue(d, field.getValue(), prefix + d.getName());
            if (typed != null) out.set(d.getName(), typed);
        }
        return out;
    }

    /** The value in its schema type, or null for "absent" (null, empty string, empty array). */
    private static JsonNode attributeValue(AttributeDefinition d, JsonNode value, String path) throws BadRequestException {
        if (value == null || value.isNull()) return null;
        if (d.isMultiValued()) {
            // A single value where an array belongs: wrap it rather than fail (liberal reading).
            ArrayNode items = value.isArray() ? (ArrayNode) value : NODES.arrayNode().add(value);
            ArrayNode out = NODES.arrayNode();
            boolean primarySeen = false;
            for (JsonNode item : items) {
                JsonNode typed = singleValue(d, item, path);
                if (typed == null) continue;
                // RFC 7643 §2.4: "primary": true at most once; the first one stands.
                if (typed.isObject() && typed.path("primary").asBoolean(false)) {
                    if (primarySeen) ((ObjectNode) typed).put("primary", false);
                    primarySeen = true;
                }
                out.add(typed);
            }
            return out.isEmpty() ? null : out;
        }
        if (value.isArray()) {
            // Entra sends the manager as [{"value": ...}] (idp-clients.md b.1): one element is the value.
            if (value.isEmpty()) return null;
            if (value.size() > 1) throw BadRequestException.invalidValue(path + " takes a single value, not an array");
            return singleValue(d, value.get(0), path);
        }
        return singleValue(d, value, path);
    }

    private static JsonNode singleValue(AttributeDefinition d, JsonNode value, String path) throws BadRequestException {
        if (value == null || value.isNull()) return null;
        // "" means "no value" for every type (Entra clears the manager with an empty Replace).
        if (value.isTextual() && value.asText().isEmpty()) return null;
        return switch (d.getType()) {
            case STRING, REFERENCE, BINARY -> {
                if (!value.isTextual()) throw wrongType(path, "a string", value);
                yield value.asText().isEmpty() ? null : value;
            }
            case BOOLEAN -> booleanValue(value, path);
            case INTEGER -> {
                if (!value.isIntegralNumber()) throw wrongType(path, "an integer", value);
                yield value;
            }
            case DECIMAL -> {
                if (!value.isNumber()) throw wrongType(path, "a number", value);
                yield value;
            }
            case DATETIME -> {
                if (!value.isTextual()) throw wrongType(path, "a dateTime string", value);
                try {
                    OffsetDateTime.parse(value.asText());
                } catch (DateTimeParseException e) {
                    throw BadRequestException.invalidValue(path + " must be an xsd:dateTime such as 2026-01-31T09:00:00Z, got \"" + value.asText() + "\"");
                }
                yield value;
            }
            case COMPLEX -> {
                // A plain string where a complex value with a "value" sub-attribute belongs is that
                // value: Entra sets the enterprise manager to the manager's id (idp-clients.md b.1).
                if (value.isTextual() && UserSchema.subAttribute(d, "value").isPresent()) {
                    value = NODES.objectNode().put("value", value.asText());
                }
                if (!value.isObject()) throw wrongType(path, "a JSON object", value);
                ObjectNode sub = complexValue(value, d.getSubAttributes(), path + ".");
                yield sub.isEmpty() ? null : sub;
            }
        };
    }

    static BooleanNode booleanValue(JsonNode value, String path) throws BadRequestException {
        if (value.isBoolean()) return (BooleanNode) value;
        if (value.isTextual()) {
            // Entra ID sends "True"/"False" unless the app opts in with aadOptscim062020.
            switch (value.asText().toLowerCase(Locale.ROOT)) {
                case "true" -> { return BooleanNode.TRUE; }
                case "false" -> { return BooleanNode.FALSE; }
                default -> { }
            }
        }
        throw wrongType(path, "a boolean (true or false)", value);
    }

    private static BadRequestException wrongType(String path, String expected, JsonNode got) {
        String shown = got.isTextual() ? "\"" + abbreviate(got.asText()) + "\"" : abbreviate(got.toString());
        return BadRequestException.invalidValue(path + " must be " + expected + ", got " + shown);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
