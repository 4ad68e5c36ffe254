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
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * One attribute's value checked against its definition (RFC 7643 §2.3, §2.4) and reduced to what
 * is stored: the schema type, singular or an array as the schema says, within {@link InputLimits}.
 * A value of any other shape is 400 {@code invalidValue} naming the attribute as the client
 * wrote it ({@code emails[1].display}). The liberal readings real IdPs need are listed in
 * {@link IdpQuirks} and applied here: "" and null mean absent, booleans as strings, and
 * Entra's manager as a plain id or a one-element array.
 */
final class AttributeValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AttributeValues() {}

    /**
     * The value in its schema type, or null for "absent" (null, "", an empty array or object).
     *
     * @param shown     the attribute as the client wrote it, for messages
     * @param canonical the schema's path without indices ({@code emails.value}), for limits
     */
    static JsonNode of(AttributeDefinition d, JsonNode value, String shown, String canonical) throws BadRequestException {
        if (value == null || value.isNull()) return null;
        if (d.isMultiValued()) return multiValued(d, value, shown, canonical);
        if (value.isArray()) {
            if (!IdpQuirks.singleValueInArray(canonical)) {
                throw BadRequestException.invalidValue(shown + " takes a single value, not an array");
            }
            if (value.isEmpty()) return null;
            if (value.size() > 1) throw BadRequestException.invalidValue(shown + " takes a single value, not an array");
            return single(d, value.get(0), shown, canonical);
        }
        return single(d, value, shown, canonical);
    }

    private static JsonNode multiValued(AttributeDefinition d, JsonNode value, String shown, String canonical)
            throws BadRequestException {
        if (value.isTextual() && value.asText().isEmpty()) return null;  // "" clears, as for every type
        if (!value.isArray()) throw wrongType(shown, "an array of values", value);
        if (value.size() > InputLimits.MAX_VALUES) {
            throw BadRequestException.invalidValue(shown + " has " + value.size() + " values; at most "
                    + InputLimits.MAX_VALUES + " are accepted");
        }
        ArrayNode out = NODES.arrayNode();
        boolean primarySeen = false;
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemShown = shown + "[" + i + "]";
            if (item.isNull()) throw BadRequestException.invalidValue(itemShown + " is null; leave it out instead");
            if (item.isArray()) throw wrongType(itemShown, "a single value", item);
            JsonNode typed = single(d, item, itemShown, canonical);
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

    private static JsonNode single(AttributeDefinition d, JsonNode value, String shown, String canonical)
            throws BadRequestException {
        if (value == null || value.isNull()) return null;
        // "" means "no value" for every type (Entra clears the manager with an empty Replace).
        if (value.isTextual() && value.asText().isEmpty()) return null;
        return switch (d.getType()) {
            case STRING, REFERENCE, BINARY -> {
                if (!value.isTextual()) throw wrongType(shown, "a string", value);
                int max = InputLimits.maxLength(canonical, d.getType() == AttributeDefinition.Type.BINARY);
                if (value.asText().length() > max) {
                    throw BadRequestException.invalidValue(shown + " is " + value.asText().length()
                            + " characters long; at most " + max + " are accepted");
                }
                yield value;
            }
            case BOOLEAN -> bool(value, shown);
            case INTEGER -> {
                if (!value.isIntegralNumber()) throw wrongType(shown, "an integer", value);
                yield value;
            }
            case DECIMAL -> {
                if (!value.isNumber()) throw wrongType(shown, "a number", value);
                yield value;
            }
            case DATETIME -> {
                if (!value.isTextual()) throw wrongType(shown, "a dateTime string", value);
                dateTime(value.asText(), shown);
                yield value;
            }
            case COMPLEX -> {
                if (value.isTextual() && IdpQuirks.plainIdForComplex(canonical)) {
                    value = NODES.objectNode().put("value", value.asText());
                }
                if (!value.isObject()) throw wrongType(shown, "a JSON object", value);
                ObjectNode sub = complex(value, d.getSubAttributes(), shown + ".", canonical + ".");
                yield sub.isEmpty() ? null : sub;
            }
        };
    }

    /**
     * The sub-attributes of a complex value (or an extension's attributes) that are stored:
     * known, not readOnly (manager.displayName), each in its type. Unknown ones are ignored, as
     * for top-level attributes (see {@link UserDocument}); one given twice in two letter cases is
     * refused, since only one could be kept.
     */
    static ObjectNode complex(JsonNode value, Collection<AttributeDefinition> subs, String shownPrefix, String canonicalPrefix)
            throws BadRequestException {
        ObjectNode out = NODES.objectNode();
        Map<String, String> seen = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Optional<AttributeDefinition> def = subs.stream()
                    .filter(d -> d.getName().equalsIgnoreCase(field.getKey())).findFirst();
            if (def.isEmpty()) continue;
            AttributeDefinition d = def.get();
            once(seen, d.getName(), field.getKey(), shownPrefix);
            if (d.getMutability() == AttributeDefinition.Mutability.READ_ONLY) continue;
            JsonNode typed = of(d, field.getValue(), shownPrefix + field.getKey(), canonicalPrefix + d.getName());
            if (typed != null) out.set(d.getName(), typed);
        }
        return out;
    }

    /** Refuses a second spelling of an attribute already seen in this object. */
    static void once(Map<String, String> seen, String canonical, String sent, String shownPrefix) throws BadRequestException {
        String earlier = seen.putIfAbsent(canonical, sent);
        if (earlier != null) {
            throw BadRequestException.invalidValue(shownPrefix + canonical + " is given twice (as \"" + earlier
                    + "\" and \"" + sent + "\"); attribute names ignore letter case, so only one can be kept");
        }
    }

    static BooleanNode bool(JsonNode value, String shown) throws BadRequestException {
        if (value.isBoolean()) return (BooleanNode) value;
        Optional<Boolean> quirk = IdpQuirks.stringBoolean(value);
        if (quirk.isPresent()) return BooleanNode.valueOf(quirk.get());
        throw wrongType(shown, "a boolean (true or false)", value);
    }

    /**
     * An xsd:dateTime (RFC 7643 §2.3.5) that PostgreSQL can also hold: years 1 to 9999, which
     * every real date is, while {@code +294277-01-01T00:00:00Z} parses in Java but not there.
     */
    static OffsetDateTime dateTime(String text, String shown) throws BadRequestException {
        try {
            OffsetDateTime t = OffsetDateTime.parse(text);
            if (t.getYear() < 1 || t.getYear() > 9999) {
                throw BadRequestException.invalidValue(shown + " must be a dateTime between the years 1 and 9999, got \""
                        + abbreviate(text) + "\"");
            }
            return t;
        } catch (DateTimeParseException e) {
            throw BadRequestException.invalidValue(shown + " must be an xsd:dateTime such as 2026-01-31T09:00:00Z, got \""
                    + abbreviate(text) + "\"");
        }
    }

    static BadRequestException wrongType(String shown, String expected, JsonNode got) {
        return BadRequestException.invalidValue(shown + " must be " + expected + ", got " + describe(got));
    }

    private static String describe(JsonNode got) {
        return got.isTextual() ? "\"" + abbreviate(got.asText()) + "\"" : abbreviate(got.toString());
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
