package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where what real IdPs send is turned into what RFC 7644 says, before the
 * standard PATCH and filter logic sees it. Each rule names the client and the source
 * (docs/idp-behaviour.md). The liberal readings of values (string booleans, "" as
 * absent, a plain id for a complex manager) are in {@link UserDocument}; Entra's legacy
 * "Replace" on an unmatched value path is applied in {@link UserPatch}, which needs the resource.
 */
final class IdpQuirks {
    private IdpQuirks() {}


    /**
     * The Enterprise {@code manager} (a complex value) as a one-element array: the example in
     * Microsoft's SCIM guide sends {@code {"op":"Add","path":"manager","value":[{"$ref":null,"value":"<id>"}]}}
     * (docs/idp-behaviour.md E6). Every other singular attribute given an array is refused.
     */
    static boolean singleValueInArray(String canonicalAttribute) {
        return canonicalAttribute.equals("manager");
    }

    /**
     * The Enterprise {@code manager} as the manager's id alone, {@code "value":"<id>"}
     * (docs/idp-behaviour.md E6), read as {@code {"value":"<id>"}}. Other complex attributes given
     * a string are refused.
     */
    static boolean plainIdForComplex(String canonicalAttribute) {
        return canonicalAttribute.equals("manager");
    }

    /**
     * {@code "True"} / {@code "False"} (any letter case) for a boolean: Entra ID unless the app
     * opts in with aadOptscim062020 (docs/idp-behaviour.md E3) and OneLogin templates
     * ({@code "active":"{$user.active}"}, G1). Any other string is not a boolean.
     */
    static java.util.Optional<Boolean> stringBoolean(JsonNode value) {
        if (!value.isTextual()) return java.util.Optional.empty();
        return switch (value.asText().toLowerCase(Locale.ROOT)) {
            case "true" -> java.util.Optional.of(true);
            case "false" -> java.util.Optional.of(false);
            default -> java.util.Optional.empty();
        };
    }

    /** OneLogin's SCIM templates still carry the SCIM 1.1 core URN (docs/idp-behaviour.md G1). */
    static boolean legacyCoreSchema(String urn) {
        return urn.equalsIgnoreCase("urn:scim:schemas:core:1.0");
    }

    /**
     * A PatchOp in RFC form, and which of its operations (by index after normalising) were
     * Entra's capitalised "Replace": see {@link UserPatch} for what that changes.
     */
    record NormalisedPatch(ObjectNode body, java.util.Set<Integer> legacyReplaces, List<Integer> sourceIndex) {}

    static NormalisedPatch normalisePatch(ObjectNode body, JsonNode operations) {
        java.util.Set<Integer> legacy = new java.util.HashSet<>();
        List<Integer> source = new ArrayList<>();  // the client's index of each operation, for messages
        ObjectNode copy = body.deepCopy();
        // SCIM's node factory makes case-insensitive objects: this drops "operations" as well.
        copy.remove("Operations");
        ArrayNode ops = copy.putArray("Operations");
        int clientIndex = -1;
        for (JsonNode op : operations) {
            clientIndex++;
            if (!op.isObject()) {
                source.add(clientIndex);
                ops.add(op);
                continue;
            }
            ObjectNode o = ((ObjectNode) op).deepCopy();
            // Entra ID sends "Add", "Replace", "Remove" (docs/idp-behaviour.md E2); RFC 7644 spells them in
            // lower case, and the SCIM SDK reads only that.
            JsonNode name = o.get("op");
            boolean legacyReplace = name != null && name.isTextual() && name.asText().equals("Replace");
            if (name != null && name.isTextual()) o.put("op", name.asText().toLowerCase(Locale.ROOT));
            for (ObjectNode one : splitPathKeys(o)) {
                if (legacyReplace) legacy.add(ops.size());
                source.add(clientIndex);
                ops.add(normalisePath(one));
            }
        }
        return new NormalisedPatch(copy, java.util.Set.copyOf(legacy), List.copyOf(source));
    }

    /**
     * Entra ID with aadOptscim062020 writes paths as the keys of a no-path value:
     * {@code {"op":"replace","value":{"name.givenName":"Bo","urn:...:enterprise:2.0:User:employeeNumber":"7"}}}
     * (docs/idp-behaviour.md E4). The SDK would store those keys literally (and list the
     * qualified one in schemas), so each becomes an operation of its own with that path.
     */
    private static List<ObjectNode> splitPathKeys(ObjectNode op) {
        JsonNode path = op.get("path");
        JsonNode value = op.get("value");
        boolean noPath = path == null || path.isNull() || (path.isTextual() && path.asText().isBlank());
        if (!noPath || value == null || !value.isObject()) return List.of(op);
        List<ObjectNode> split = new ArrayList<>();
        ObjectNode rest = (ObjectNode) value;  // op is already a copy
        List<String> keys = new ArrayList<>();
        rest.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            if (!isPathKey(key)) continue;
            ObjectNode one = op.objectNode();
            one.set("op", op.get("op"));
            one.put("path", key);
            one.set("value", rest.remove(key));
            split.add(one);
        }
        if (split.isEmpty()) return List.of(op);
        if (!rest.isEmpty()) split.addFirst(op);
        return split;
    }

    /** "name.givenName" or "urn:...:User:attr"; not a plain name nor a whole extension's URN. */
    private static boolean isPathKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String urn : List.of(ScimJson.USER_SCHEMA, ScimJson.ENTERPRISE_USER_SCHEMA)) {
            String u = urn.toLowerCase(Locale.ROOT);
            if (k.startsWith(u)) return k.length() > u.length() + 1 && k.charAt(u.length()) == ':';
        }
        return !k.startsWith("urn:") && k.indexOf('.') > 0;
    }

    private static ObjectNode normalisePath(ObjectNode op) {
        JsonNode path = op.get("path");
        if (path == null || !path.isTextual() || path.asText().isBlank()) return op;
        String p = path.asText();
        // "urn:...:core:2.0:User:displayName" is a valid path (RFC 7644 §3.10), but the SDK files it
        // under an extension object named after the core URN, where it would be lost.
        String core = AttributePath.withoutCoreUrn(p, ScimJson.USER_SCHEMA);
        if (!core.equals(p)) op.put("path", core);
        // null is "unassigned" (RFC 7643 §2.5): Entra's validator clears attributes with a null PATCH
        // (docs/idp-behaviour.md E11); the SDK refuses a null value outright.
        JsonNode value = op.get("value");
        String verb = op.path("op").asText();
        if (value != null && value.isNull() && (verb.equals("add") || verb.equals("replace"))) {
            op.put("op", "remove");
            op.remove("value");
        }
        return op;
    }

    /**
     * {@code emails[type eq "work"].value eq "x"}: Entra ID's uniqueness check on the work email
     * (docs/idp-behaviour.md E8). Not in the grammar (a value path ends at "]"); it means
     * {@code emails[type eq "work" and value eq "x"]}.
     */
    private static final Pattern SUB_AFTER_VALUE_PATH = Pattern.compile(
            "([A-Za-z][\\w:.$-]*)\\[([^\\[\\]]+)]\\.([A-Za-z][\\w$-]*)\\s+(?i:(eq|ne|co|sw|ew|gt|ge|lt|le)\\s+(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s()\\[\\]]+)|(pr))");

    /**
     * {@code externalId eq jyoung}, {@code meta.Created gt 2015-10-10T14:38:21.86-07:00},
     * {@code emails.Value co example.com}: unquoted strings in Microsoft's documentation and its
     * legacy Postman suite (docs/idp-behaviour.md E8). Only those shapes: a bare value of letters,
     * digits and {@code . _ @ : + -}, which is not true, false, null or a number, is taken as a
     * string. A value with a quote, a bracket or any other character is not guessed at
     * ({@code userName eq a"} stays an error).
     */
    private static final Pattern BARE_VALUE = Pattern.compile(
            "(?i)(\\s(?:eq|ne|co|sw|ew|gt|ge|lt|le)\\s+)([\\w.@:+-]+)(?=$|[\\s)\\]])");
    private static final Pattern LITERAL = Pattern.compile("(?i)true|false|null|-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    /** Filter forms IdPs send, rewritten into the RFC 7644 grammar; anything else unchanged. */
    static String normaliseFilter(String text) {
        String out = quoteBareValues(text);
        Matcher m = SUB_AFTER_VALUE_PATH.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String comparison = m.group(6) != null ? m.group(3) + " pr" : m.group(3) + " " + m.group(4) + " " + m.group(5);
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "[" + m.group(2) + " and " + comparison + "]"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String quoteBareValues(String text) {
        Matcher m = BARE_VALUE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = m.group(2);
            String replacement = LITERAL.matcher(value).matches() ? value
                    : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

}
