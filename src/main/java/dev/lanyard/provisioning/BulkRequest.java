package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import dev.lanyard.http.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A BulkRequest (RFC 7644 §3.7), its envelope checked completely before any operation runs:
 *
 * <pre>{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors":1,
 *  "Operations":[{"method":"POST","path":"/Users","bulkId":"q1","data":{"userName":"ann@example.com"}},
 *                {"method":"PATCH","path":"/Users/bulkId:q1","version":"W/\"1\"","data":{...PatchOp...}}]}</pre>
 *
 * A wrong envelope fails the whole request (400 {@code invalidSyntax}, 413 beyond the limits);
 * what is wrong inside one operation (its method, path, version) fails only that operation, see
 * {@link #operation}.
 *
 * @param failOnErrors    errors after which processing stops (absent: no limit; 0 is read as 1)
 * @param operations      the operations as sent, each a JSON object
 * @param postedBulkIds   the bulkIds of the POST operations, which later operations may refer to
 */
record BulkRequest(int failOnErrors, List<ObjectNode> operations, Set<String> postedBulkIds) {
    static final String SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
    static final int MAX_OPERATIONS = 1000;
    static final int MAX_PAYLOAD_SIZE = Json.MAX_BODY_BYTES;

    /** The methods a bulk operation may use (§3.7: POST, PUT, PATCH, DELETE). */
    enum Method { POST, PUT, PATCH, DELETE }

    /**
     * One operation's fields, checked for shape; bulkId references are resolved later, when the
     * operation runs.
     *
     * @param path    as sent: {@code /Users} or {@code /Users/{id}} ({@code {id}} may be {@code bulkId:q1})
     * @param version an ETag that acts as If-Match (§3.7, §3.14)
     * @param data    the body a single request would carry; empty for DELETE
     */
    record Operation(Method method, String path, Optional<String> bulkId, Optional<String> version,
                     Optional<JsonNode> data) {}

    static BulkRequest parse(JsonNode body) throws ScimException {
        if (!body.isObject()) throw BadRequestException.invalidSyntax("a bulk request needs a JSON object (a BulkRequest)");
        JsonNode schemas = body.get("schemas");
        // Absent schemas are tolerated, as for SearchRequest; present ones must say what this is.
        if (schemas != null && !(schemas.isArray() && contains(schemas, SCHEMA))) {
            throw BadRequestException.invalidSyntax("schemas must contain " + SCHEMA);
        }
        int failOnErrors = failOnErrors(body.get("failOnErrors"));
        JsonNode operations = body.get("Operations");
        if (operations == null || !operations.isArray()) {
            throw BadRequestException.invalidSyntax("a BulkRequest needs an \"Operations\" array");
        }
        if (operations.size() > MAX_OPERATIONS) {
            // §3.7.4: 413, and nothing is run.
            throw new ScimException(413, null, "the bulk request has " + operations.size() + " operations; at most "
                    + MAX_OPERATIONS + " are allowed (maxOperations in /ServiceProviderConfig): split it into several requests");
        }
        List<ObjectNode> ops = new ArrayList<>(operations.size());
        Set<String> posted = new HashSet<>();
        for (int i = 0; i < operations.size(); i++) {
            if (!(operations.get(i) instanceof ObjectNode op)) {
                throw BadRequestException.invalidSyntax("Operations[" + i + "] is not a JSON object");
            }
            // A bulkId names what a POST creates, so two POSTs with one bulkId make every
            // reference to it ambiguous: refused before anything runs.
            Optional<String> bulkId = text(op, "bulkId");
            if (bulkId.isPresent() && "POST".equalsIgnoreCase(text(op, "method").orElse(""))
                    && !posted.add(bulkId.get())) {
                throw BadRequestException.invalidValue("bulkId \"" + bulkId.get() + "\" is used by more than one POST "
                        + "(Operations[" + i + "]); each bulkId must be unique within the request");
            }
            ops.add(op);
        }
        return new BulkRequest(failOnErrors, List.copyOf(ops), Set.copyOf(posted));
    }

    /** The operation's fields, or the 400 that fails this operation alone. */
    static Operation operation(ObjectNode op) throws BadRequestException {
        JsonNode methodNode = op.get("method");
        if (methodNode == null || !methodNode.isTextual()) {
            throw BadRequestException.invalidSyntax("the operation needs a \"method\": POST, PUT, PATCH or DELETE");
        }
        Method method;
        try {
            method = Method.valueOf(methodNode.asText().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw BadRequestException.invalidSyntax("method \"" + methodNode.asText()
                    + "\" is not one a bulk operation can use: POST, PUT, PATCH or DELETE");
        }
        JsonNode path = op.get("path");
        if (path == null || !path.isTextual() || path.asText().isBlank()) {
            throw BadRequestException.invalidPath("the operation needs a \"path\": /Users for POST, /Users/{id} otherwise");
        }
        Optional<String> bulkId = stringField(op, "bulkId");
        if (method == Method.POST && bulkId.isEmpty()) {
            throw BadRequestException.invalidSyntax("a POST operation needs a \"bulkId\" (RFC 7644 §3.7), "
                    + "so its result can be matched to it");
        }
        Optional<String> version = stringField(op, "version");
        JsonNode data = op.get("data");
        if (method != Method.DELETE && (data == null || data.isNull())) {
            throw BadRequestException.invalidSyntax("a " + method + " operation needs \"data\": "
                    + (method == Method.PATCH ? "a PatchOp" : "a User") + ", as the body of a single " + method + " would be");
        }
        // A DELETE's data is ignored, bulkId references in it included.
        return new Operation(method, path.asText().strip(), bulkId, version,
                method == Method.DELETE ? Optional.empty() : Optional.of(data));
    }

    /** The method as sent, for the response, when it is text. */
    static Optional<String> methodAsSent(ObjectNode op) {
        return text(op, "method").map(m -> m.strip().toUpperCase(Locale.ROOT));
    }

    static Optional<String> text(JsonNode op, String field) {
        JsonNode v = op.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<String> stringField(ObjectNode op, String field) throws BadRequestException {
        JsonNode v = op.get(field);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw BadRequestException.invalidSyntax("\"" + field + "\" must be a string");
        return v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    private static int failOnErrors(JsonNode node) throws BadRequestException {
        if (node == null || node.isNull()) return Integer.MAX_VALUE;
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
            throw BadRequestException.invalidSyntax("failOnErrors must be a whole number of at least 0 "
                    + "(the number of errors after which processing stops); leave it out to run every operation");
        }
        // RFC 7644 §3.7 sets no minimum. Processing can only stop after an error has happened, so 0
        // means what 1 means: stop at the first error.
        return Math.max(1, node.asInt());
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (n.isTextual() && n.asText().equalsIgnoreCase(value)) return true;
        return false;
    }
}
