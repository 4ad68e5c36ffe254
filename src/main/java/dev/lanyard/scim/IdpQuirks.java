package dev.lanyard.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * The one place where what real IdPs send is turned into what RFC 7644 says, before the
 * standard PATCH logic sees it. Each rule names the client and the source
 * (shared/reference/idp-clients.md).
 */
final class IdpQuirks {
    private IdpQuirks() {}

    static ObjectNode normalisePatch(ObjectNode body, JsonNode operations) {
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
            if (name != null && name.isTextual()) o.put("op", name.asText().toLowerCase(Locale.ROOT));
            ops.add(o);
        }
        return copy;
    }
}
