package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Removes secrets from a request body before the provisioning log stores it: the value of any
 * attribute whose name says password, secret or token, and the value of a PATCH operation whose
 * path names one ({@code {"op":"replace","path":"password","value":"..."}}).
 */
public final class Redaction {
    static final TextNode REDACTED = TextNode.valueOf("[redacted]");

    private Redaction() {}

    public static JsonNode redact(JsonNode body) {
        JsonNode copy = body.deepCopy();
        walk(copy);
        return copy;
    }

    private static void walk(JsonNode node) {
        if (node instanceof ArrayNode array) {
            for (JsonNode item : array) walk(item);
            return;
        }
        if (!(node instanceof ObjectNode object)) return;
        JsonNode path = object.get("path");
        if (path != null && path.isTextual() && isSecretName(path.asText()) && object.has("value")) {
            object.set("value", REDACTED);
        }
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (isSecretName(name)) {
                object.set(name, REDACTED);
            } else {
                walk(object.get(name));
            }
        }
    }

    static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token");
    }
}
