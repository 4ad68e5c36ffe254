package dev.lanyard.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON for the scim/ unit tests. Bodies are read with {@link ScimJson#MAPPER}, as the HTTP edge
 * reads them (its objects match keys in any letter case); expectations are compared as plain
 * Jackson trees, because the SDK's case-insensitive objects do not compare equal to plain ones.
 */
final class ScimTestJson {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    static final String USER = ScimJson.USER_SCHEMA;
    static final String ENTERPRISE = ScimJson.ENTERPRISE_USER_SCHEMA;

    private ScimTestJson() {}

    /** A request body as the server reads it; single quotes stand for double quotes. */
    static ObjectNode body(String json) {
        return (ObjectNode) any(json);
    }

    /** Any request body (an array, a string ...) as the server reads it. */
    static JsonNode any(String json) {
        try {
            return ScimJson.MAPPER.readTree(json.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }

    /** Any JSON value, as a plain tree, for comparisons; single quotes stand for double quotes. */
    static JsonNode plain(String json) {
        try {
            return PLAIN.readTree(json.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }

    static JsonNode plain(JsonNode node) {
        return plain(node.toString());
    }
}
