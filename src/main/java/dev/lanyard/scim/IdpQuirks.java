package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place where what real IdPs send is turned into what RFC 7644 says, before the
 * standard PATCH logic sees it. Each rule names the client and the source
 * (shared/reference/idp-clients.md).
 */
final class IdpQuirks {
    private IdpQuirks() {}

    private static final String CORE_PREFIX = ScimJson.USER_SCHEMA + ":";

    /**
     * A PatchOp in RFC form, and which of its operations (by index after normalising) were
     * Entra's capitalised "Replace": see {@link UserPatch} for what that changes.
     */
    record NormalisedPatch(ObjectNode body, java.util.Set<Integer> legacyReplaces) {}

    static NormalisedPatch normalisePatch(ObjectNode body, JsonNode operations) {
        java.util.Set<Integer> legacy = new java.util.HashSet<>();
        ObjectNode copy = body.deepCopy();
        // SCIM's node factory makes case-insensitive objects: this drops "operations" as well.
        copy.remove("Operations");
        ArrayNode ops = copy.putArray("Operations");
        for (JsonNode op : operations) {
            if (!op.isObject()) {
                ops.add(op);
                continue;
            }
            ObjectNode o = ((ObjectNode) op).deepCopy();
            // Entra ID sends "Add", "Replace", "Remove" (idp-clients.md b.2); RFC 7644 spells them in
            // lower case, and the SCIM SDK reads only that.
            JsonNode name = o.get("op");
            boolean legacyReplace = name != null && name.isTextual() && name.asText().equals("Replace");
            if (name != null && name.isTextual()) o.put("op", name.asText().toLowerCase(Locale.ROOT));
            for (ObjectNode one : splitPathKeys(o)) {
                if (legacyReplace) legacy.add(ops.size());
                ops.add(normalisePath(one));
            }
        }
        return new NormalisedPatch(copy, java.util.Set.copyOf(legacy));
    }

    /**
     * Entra ID with aadOptscim062020 writes paths as the keys of a no-path value:
     * {@code {"op":"replace","value":{"name.givenName":"Bo","urn:...:enterprise:2.0:User:employeeNumber":"7"}}}
     * (idp-clients.md b.1 "Replace many"). The SDK would store those keys literally (and list the
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
        if (p.length() > CORE_PREFIX.length() && p.regionMatches(true, 0, CORE_PREFIX, 0, CORE_PREFIX.length())) {
            op.put("path", p.substring(CORE_PREFIX.length()));
        }
        // null is "unassigned" (RFC 7643 §2.5): Entra's validator clears attributes with a null PATCH
        // (idp-clients.md b.2); the SDK refuses a null value outright.
        JsonNode value = op.get("value");
        String verb = op.path("op").asText();
        if (value != null && value.isNull() && (verb.equals("add") || verb.equals("replace"))) {
            op.put("op", "remove");
            op.remove("value");
        }
        return op;
    }
}
