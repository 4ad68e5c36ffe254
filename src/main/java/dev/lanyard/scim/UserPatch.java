package dev.lanyard.scim;

import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.GenericScimResource;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.PatchOpType;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.messages.PatchRequest;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.utils.JsonUtils;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * PATCH for Users (RFC 7644 §3.5.2): the SCIM SDK parses the PatchOp and applies it to the
 * current document; the result is then validated like a PUT body by {@link UserDocument}, so a
 * PATCH can never store what a PUT could not.
 *
 * <pre>{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
 *  "Operations":[{"op":"replace","value":{"active":false}}]}     (Okta deactivation: no path)</pre>
 */
public final class UserPatch {
    private UserPatch() {}

    /** Parses a PatchOp body, with IdP quirks normalised first. */
    public static PatchRequest parse(JsonNode body) throws BadRequestException {
        if (body == null || !body.isObject()) {
            throw BadRequestException.invalidSyntax("the request body must be a JSON object (a SCIM PatchOp)");
        }
        JsonNode operations = body.get("Operations");
        if (operations == null) operations = caseInsensitive(body, "operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw BadRequestException.invalidSyntax("a PatchOp needs a non-empty \"Operations\" array");
        }
        checkSchemas(body);
        if (operations.size() > InputLimits.MAX_PATCH_OPERATIONS) {
            throw BadRequestException.invalidValue("the PatchOp has " + operations.size() + " operations; at most "
                    + InputLimits.MAX_PATCH_OPERATIONS + " are accepted in one request: send several PATCH requests");
        }
        // Checked as sent, so an index in a message is the client's; normalising may add operations.
        int index = 0;
        for (JsonNode op : operations) {
            checkShape(op, index++);
        }
        IdpQuirks.NormalisedPatch normalised = IdpQuirks.normalisePatch((ObjectNode) body, operations);
        JsonNode normalisedOps = normalised.body().get("Operations");
        for (int i = 0; i < normalisedOps.size(); i++) {
            checkTarget((ObjectNode) normalisedOps.get(i), "Operations[" + normalised.sourceIndex().get(i) + "]");
        }
        try {
            PatchRequest standard = JsonUtils.getObjectReader().forType(PatchRequest.class).readValue(normalised.body());
            return new Request(standard.getOperations(), normalised.legacyReplaces());
        } catch (IOException | IllegalArgumentException e) {
            throw BadRequestException.invalidSyntax("the PatchOp cannot be read: " + firstLine(e.getMessage())
                    + " (each operation needs \"op\": add, remove or replace, an optional \"path\" and a \"value\")");
        }
    }

    /** A PATCH no bigger than these is {@link #small}: the IdPs' deactivations and profile syncs are far below. */
    public static final int SMALL_OPERATIONS = 8;
    public static final int SMALL_VALUE_NODES = 64;
    public static final int SMALL_STORED_NODES = 256;

    /**
     * Whether applying {@code patch} to a stored User whose attributes are {@code stored} is
     * small work: at most {@value #SMALL_OPERATIONS} operations, each value at most
     * {@value #SMALL_VALUE_NODES} JSON nodes, on at most {@value #SMALL_STORED_NODES} stored
     * nodes. Such a PATCH costs about what parsing a PUT's body does (which the request's thread
     * does too), so it may be applied on the request's thread; a bigger one goes to the workers
     * (domain.Workers, docs/security.md). Counting stops at the bound, so this is cheap for any size.
     */
    public static boolean small(PatchRequest patch, JsonNode stored) {
        List<PatchOperation> ops = patch.getOperations();
        if (ops.size() > SMALL_OPERATIONS) return false;
        for (PatchOperation op : ops) {
            JsonNode value = op.getJsonNode();
            if (value != null && nodes(value, SMALL_VALUE_NODES) > SMALL_VALUE_NODES) return false;
        }
        return nodes(stored, SMALL_STORED_NODES) <= SMALL_STORED_NODES;
    }

    /** The nodes of {@code node}'s tree, counted up to one past {@code limit}. */
    private static int nodes(JsonNode node, int limit) {
        int count = 0;
        java.util.ArrayDeque<JsonNode> pending = new java.util.ArrayDeque<>();
        pending.push(node);
        while (!pending.isEmpty()) {
            JsonNode n = pending.pop();
            if (++count > limit) return count;
            // A container's children are pushed only if they cannot take the count past the limit,
            // so a wide array or object costs one size check, not a walk of its elements.
            if (n.isContainerNode()) {
                if (count + pending.size() + n.size() > limit) return limit + 1;
                n.forEach(pending::push);
            }
        }
        return count;
    }

    /**
     * Applies {@code patch} to {@code current} (a full SCIM User without id and meta) and returns
     * the patched document. Operations that target read-only attributes fail with
     * {@code mutability}; the SDK reports {@code noTarget}, {@code invalidPath} and friends.
     */
    public static ObjectNode apply(ObjectNode current, PatchRequest patch, String currentId) throws ScimException {
        for (PatchOperation op : patch.getOperations()) checkMutability(op, currentId);
        java.util.Set<Integer> legacyReplaces = patch instanceof Request r ? r.legacyReplaces : java.util.Set.of();
        // Re-read through the SCIM mapper: its objects match attribute names in any letter case,
        // so "path":"Name.GivenName" finds name.givenName instead of adding a second key.
        GenericScimResource resource;
        try {
            // From the tree's tokens, not its text: the same nodes without writing and parsing JSON.
            resource = new GenericScimResource((ObjectNode) ScimJson.MAPPER.readTree(current.traverse(ScimJson.MAPPER)));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always re-reads", e);
        }
        ObjectNode result = resource.getObjectNode();
        List<PatchOperation> ops = patch.getOperations();
        for (int i = 0; i < ops.size(); i++) {
            PatchOperation op = ops.get(i);
            if (addToExistingValue(op, result)) continue;
            try {
                op.apply(result);
            } catch (BadRequestException e) {
                // Entra ID (legacy mode, capitalised "Replace") replaces a value path such as
                // phoneNumbers[type eq "mobile"].value that has no match yet and expects it created,
                // as an add would (docs/idp-behaviour.md E5). RFC 7644 §3.5.2.3 says
                // noTarget, which a standard lower-case "replace" still gets.
                boolean valuePath = op.getPath() != null && hasValueFilter(op.getPath());
                if (!legacyReplaces.contains(i) || !valuePath || !BadRequestException.NO_TARGET.equals(e.getScimError().getScimType())) {
                    throw e;
                }
                PatchOperation.add(op.getPath(), op.getJsonNode()).apply(result);
            }
        }
        settlePrimaries(current, result);
        // A no-path replace may echo the read-only id (Okta does for Groups); it was checked above.
        result.remove("id");
        result.remove("meta");
        return result;
    }

    private static void checkMutability(PatchOperation op, String currentId) throws BadRequestException {
        Path path = op.getPath();
        if (path == null || path.isRoot()) {
            JsonNode value = op.getJsonNode();
            if (value != null && value.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (f.getKey().equalsIgnoreCase("id") && f.getValue().asText().equals(currentId)) continue;
                    if (isReadOnly(f.getKey())) {
                        throw BadRequestException.mutability(f.getKey() + " is read-only and cannot be changed by PATCH");
                    }
                }
            }
            return;
        }
        String root = path.getElement(0).getAttribute();
        if (path.getSchemaUrn() != null && !path.getSchemaUrn().equalsIgnoreCase(ScimJson.USER_SCHEMA)) return;
        if (isReadOnly(root)) {
            throw BadRequestException.mutability(root + " is read-only and cannot be changed by PATCH");
        }
    }

    /**
     * RFC 7644 §3.5.2.1: an add whose target is a single value that exists replaces it. Entra ID
     * sends exactly this after a user's email changes ({@code {"op":"Add","path":
     * "emails[type eq \"work\"].value","value":"new@x.com"}}), which the SDK refuses as "already
     * has a value". Applied as a replace when the filter matches; otherwise the add creates the
     * value as usual. True when it was applied here.
     */
    private static boolean addToExistingValue(PatchOperation op, ObjectNode result) throws ScimException {
        Path path = op.getPath();
        if (op.getOpType() != PatchOpType.ADD || path == null || path.size() != 2 || !hasValueFilter(path)) return false;
        try {
            PatchOperation.replace(path, op.getJsonNode()).apply(result);
            return true;
        } catch (BadRequestException e) {
            if (BadRequestException.NO_TARGET.equals(e.getScimError().getScimType())) return false;
            throw e;
        }
    }

    private static boolean hasValueFilter(Path path) {
        for (Path.Element e : path) if (e.getValueFilter() != null) return true;
        return false;
    }

    /**
     * RFC 7644 §3.5.2: when a PATCH sets "primary": true on one value, the other values of that
     * attribute lose it. The value that became primary in this PATCH wins; if none did, the first.
     */
    private static void settlePrimaries(ObjectNode before, ObjectNode after) {
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isArray()) continue;
            List<ObjectNode> primaries = new java.util.ArrayList<>();
            for (JsonNode item : f.getValue()) {
                if (item.isObject() && isTrue(item.get("primary"))) primaries.add((ObjectNode) item);
            }
            if (primaries.size() < 2) continue;
            JsonNode old = caseInsensitive(before, f.getKey());
            ObjectNode keep = primaries.getFirst();
            for (ObjectNode p : primaries) {
                if (!wasPrimary(old, p)) keep = p;
            }
            for (ObjectNode p : primaries) if (p != keep) p.put("primary", false);
        }
    }

    private static boolean wasPrimary(JsonNode oldValues, ObjectNode value) {
        if (oldValues == null || !oldValues.isArray()) return false;
        for (JsonNode o : oldValues) {
            if (isTrue(o.get("primary")) && java.util.Objects.equals(o.get("value"), value.get("value"))) return true;
        }
        return false;
    }

    private static boolean isTrue(JsonNode node) {
        return node != null && (node.isBoolean() ? node.booleanValue() : node.isTextual() && node.asText().equalsIgnoreCase("true"));
    }

    /** A PatchOp as parsed here: the standard operations plus which were Entra's legacy "Replace". */
    public static final class Request extends PatchRequest {
        private final java.util.Set<Integer> legacyReplaces;

        Request(List<PatchOperation> operations, java.util.Set<Integer> legacyReplaces) {
            super(operations);
            this.legacyReplaces = legacyReplaces;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && super.equals(r) && legacyReplaces.equals(r.legacyReplaces);
        }

        @Override
        public int hashCode() {
            return 31 * super.hashCode() + legacyReplaces.hashCode();
        }
    }

    private static boolean isReadOnly(String attribute) {
        if (attribute.equalsIgnoreCase("id") || attribute.equalsIgnoreCase("meta")) return true;
        return UserSchema.core(attribute)
                .map(d -> d.getMutability() == AttributeDefinition.Mutability.READ_ONLY)
                .orElse(false);
    }

    /** Errors a person can act on, before the SDK's deserialiser words them for Java programmers. */
    private static void checkShape(JsonNode op, int index) throws BadRequestException {
        String where = "Operations[" + index + "]";
        if (!op.isObject()) throw BadRequestException.invalidSyntax(where + " must be a JSON object");
        JsonNode name = op.get("op");
        if (name == null || !name.isTextual()) {
            throw BadRequestException.invalidSyntax(where + " needs \"op\": add, remove or replace");
        }
        String verb = name.asText().toLowerCase(Locale.ROOT);  // Entra: "Replace" (IdpQuirks)
        if (!verb.equals("add") && !verb.equals("remove") && !verb.equals("replace")) {
            throw BadRequestException.invalidSyntax(where + ".op must be add, remove or replace, got \"" + name.asText() + "\"");
        }
        JsonNode path = op.get("path");
        if (path != null && !path.isNull() && !path.isTextual()) {
            throw BadRequestException.invalidPath(where + ".path must be a string, got " + path);
        }
        boolean hasPath = path != null && path.isTextual() && !path.asText().isBlank();
        if (verb.equals("remove") && !hasPath) {
            // RFC 7644 §3.5.2.2: remove without a path has no target.
            throw BadRequestException.noTarget(where + " is a remove without a path; name the attribute to remove");
        }
        if (!verb.equals("remove") && (op.get("value") == null)) {
            throw BadRequestException.invalidSyntax(where + " (" + verb + ") needs a \"value\"");
        }
    }

    /** Absent schemas are tolerated (as for SearchRequest and BulkRequest); present ones must say PatchOp. */
    private static void checkSchemas(JsonNode body) throws BadRequestException {
        if (!body.has("schemas")) return;
        JsonNode schemas = body.get("schemas");
        boolean patchOp = false;
        if (schemas.isArray()) {
            for (JsonNode s : schemas) patchOp |= s.isTextual() && s.asText().equalsIgnoreCase(ScimJson.PATCH_OP);
        }
        if (!patchOp) throw BadRequestException.invalidSyntax("schemas must be an array containing " + ScimJson.PATCH_OP);
    }

    /**
     * The operation's target exists in the schemas (RFC 7644 §3.5.2: otherwise nothing would change
     * and the client would be told it did): its path, or for an add or replace without a path, each
     * attribute named in its value. Rewrites the path into the form the SDK reads.
     */
    private static void checkTarget(ObjectNode op, String where) throws BadRequestException {
        String verb = op.path("op").asText();
        JsonNode path = op.get("path");
        if (path != null && !path.isNull()) {
            if (!path.isTextual()) throw BadRequestException.invalidPath(where + ".path must be a string, got " + path);
            PatchPaths.Target target = PatchPaths.check(where, path.asText());
            op.put("path", target.sdkPath());
            emptyValue(op, where, verb, target);
            Optional<String> top = target.topLevelName();
            // RFC 7644 §3.5.2.2: removing a required attribute is a mutability error. Lanyard keeps
            // every account either active or not, so active has no "unassigned" state either.
            if (verb.equals("remove") && top.isPresent() && (top.get().equals("userName") || top.get().equals("active"))) {
                throw BadRequestException.mutability(where + " removes " + top.get() + ", which every user must have"
                        + (top.get().equals("active") ? "; to deactivate the user, replace active with false" : ""));
            }
            return;
        }
        JsonNode value = op.get("value");
        if (value == null || !value.isObject()) {
            throw BadRequestException.invalidSyntax(where + " (" + verb + " without a path) needs a JSON object of attributes "
                    + "as its \"value\", such as {\"active\": false}");
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            boolean known = key.equalsIgnoreCase("schemas") || key.equalsIgnoreCase(ScimJson.ENTERPRISE_USER_SCHEMA)
                    || UserSchema.core(key).isPresent();
            if (!known) {
                throw BadRequestException.invalidPath(where + ".value names " + key + ", which is not an attribute of "
                        + "the User schema or the Enterprise User extension");
            }
        }
    }

    /**
     * An empty object or array as the value of an add or replace with a path (the SDK refuses both).
     * RFC 7643 §2.5 counts an empty array as unassigned, so a replace with one clears a multi-valued
     * or complex attribute, like Entra's null; an add of nothing is an error, and so is an empty
     * value for a single string or boolean: it has the wrong type.
     */
    private static void emptyValue(ObjectNode op, String where, String verb, PatchPaths.Target target)
            throws BadRequestException {
        JsonNode value = op.get("value");
        if (value == null || !(value.isContainerNode() && value.isEmpty()) || verb.equals("remove")) return;
        AttributeDefinition d = target.sub().or(target::attribute).orElse(null);
        boolean structured = d == null || d.isMultiValued() || d.getType() == AttributeDefinition.Type.COMPLEX;
        String shown = op.get("path").asText();
        if (!structured) throw AttributeValues.wrongType(shown, expected(d), value);
        if (verb.equals("add")) {
            throw BadRequestException.invalidValue(where + " adds an empty value to " + shown
                    + "; give at least one value, or leave the operation out");
        }
        op.put("op", "remove");
        op.remove("value");
    }

    private static String expected(AttributeDefinition d) {
        return d.getType() == AttributeDefinition.Type.BOOLEAN ? "a boolean (true or false)" : "a string";
    }

    private static JsonNode caseInsensitive(JsonNode node, String name) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.equalsIgnoreCase(name)) return node.get(key);
        }
        return null;
    }

    /** The deserialiser's message for a person: its first line, without Java type names. */
    private static String firstLine(String message) {
        if (message == null) return "malformed operation";
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        int problem = line.indexOf("problem: ");
        if (problem >= 0) line = line.substring(problem + "problem: ".length());
        return line.replaceAll("`[^`]*`", "a value").replaceAll("\\b(com|java|jakarta)\\.[\\w.$]+", "a value");
    }
}
