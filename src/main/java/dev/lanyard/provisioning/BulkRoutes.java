package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ErrorResponse;
import dev.lanyard.account.Precondition;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Errors;
import dev.lanyard.http.Json;
import dev.lanyard.http.RequestIds;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.token.ProvisioningToken;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * POST /scim/v2/{orgId}/Bulk (RFC 7644 §3.7): the operations of a {@link BulkRequest}, in the
 * order sent, each through {@link UserOperations} or {@link GroupOperations} exactly as its single
 * request would run, in its
 * own transaction. An operation's failure is its entry in the BulkResponse, never the request's:
 *
 * <pre>{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[
 *   {"method":"POST","bulkId":"q1","version":"W/\"1\"","location":".../Users/2819c223-...","status":"201"},
 *   {"method":"PATCH","location":".../Users/2819c223-...","status":"412","response":{...SCIM Error...}}]}</pre>
 *
 * <ul>
 *   <li>{@code bulkId:q1}, as the path's id or as any string value in {@code data}, stands for
 *       the id the POST with bulkId q1 created earlier in this request. A bulkId whose POST has
 *       not run yet, failed, or does not exist fails the operation with 409 {@code invalidValue}
 *       (§3.7.2 allows 409 instead of reordering; Users refer to no other resource but a
 *       manager, and Groups only to Users, so there are no cycles to untangle: POST the Users
 *       first, then the Group whose {@code members[].value} is {@code bulkId:q1}).</li>
 *   <li>{@code failOnErrors} N: after the Nth failed operation the rest are neither run nor listed
 *       (§3.7.3); 0 stops at the first error, as 1 does. What ran stays done: each operation is its
 *       own transaction.</li>
 *   <li>A successful operation's entry has no {@code response}: §3.7 lets the server leave it
 *       out, and it keeps a 1000-operation answer small; a GET shows the User.</li>
 * </ul>
 */
final class BulkRoutes {
    static final String RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
    private static final String REFERENCE = "bulkId:";
    private static final Logger log = LoggerFactory.getLogger(BulkRoutes.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ScimAuth auth;
    private final BaseUrl baseUrl;
    private final UserOperations users;
    private final GroupOperations groups;

    BulkRoutes(ScimAuth auth, BaseUrl baseUrl, UserOperations users, GroupOperations groups) {
        this.auth = auth;
        this.baseUrl = baseUrl;
        this.users = users;
        this.groups = groups;
    }

    /** The resource an operation's path names: /Users, /Groups, optionally with an id. */
    private record Target(boolean group, Optional<UUID> id) {}

    void bulk(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        BulkRequest request = BulkRequest.parse(body(ctx));
        String scimUrl = baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId");
        // bulkId -> the id its POST created; empty when that POST failed.
        Map<String, Optional<UUID>> created = new HashMap<>();
        ObjectNode response = NODES.objectNode();
        response.putArray("schemas").add(RESPONSE_SCHEMA);
        ArrayNode results = response.putArray("Operations");
        int errors = 0;
        boolean first = true;
        for (ObjectNode op : request.operations()) {
            if (!first && !auth.stillValid(caller)) {
                // Revoked or disabled meanwhile: what ran stays done, nothing more runs.
                ObjectNode entry = NODES.objectNode();
                BulkRequest.methodAsSent(op).ifPresent(m -> entry.put("method", m));
                entry.put("status", "401");
                entry.set("response", ScimResponses.errorBody(401, null, "the token was revoked or provisioning was disabled "
                        + "while this bulk request ran; this operation and the ones after it were not run"));
                results.add(entry);
                break;
            }
            first = false;
            Outcome outcome = run(ctx, caller, request, op, created, scimUrl);
            if (outcome.createdBulkId().isPresent()) created.put(outcome.createdBulkId().get(), outcome.createdId());
            results.add(outcome.entry());
            if (outcome.failed() && ++errors >= request.failOnErrors()) break;
        }
        ScimResponses.json(ctx, 200, response);
    }

    /**
     * What one operation did: its BulkResponse entry, and for a POST with a bulkId the id it
     * created (empty if it failed), so later references resolve or fail.
     */
    private record Outcome(ObjectNode entry, boolean failed, Optional<String> createdBulkId, Optional<UUID> createdId) {}

    private Outcome run(Context ctx, ProvisioningToken.Holder caller, BulkRequest request, ObjectNode op,
                        Map<String, Optional<UUID>> created, String scimUrl) {
        ObjectNode entry = NODES.objectNode();
        BulkRequest.methodAsSent(op).ifPresent(m -> entry.put("method", m));
        Optional<String> bulkId = BulkRequest.text(op, "bulkId");
        bulkId.ifPresent(b -> entry.put("bulkId", b));
        Optional<String> posted = bulkId.filter(b -> entry.path("method").asText().equals("POST"));
        Optional<Target> target = Optional.empty();
        try {
            BulkRequest.Operation operation = BulkRequest.operation(op);
            target = Optional.of(target(operation, request, created));
            UserOperations.Result result = apply(caller, operation, target.get(), request, created, scimUrl);
            result.etag().ifPresent(v -> entry.put("version", v));
            entry.put("location", result.location());
            entry.put("status", String.valueOf(result.status()));
            return new Outcome(entry, false, posted, Optional.of(result.id()));
        } catch (Exception e) {
            target.ifPresent(t -> t.id().ifPresent(id -> entry.put("location", scimUrl + (t.group() ? "/Groups/" : "/Users/") + id)));
            ErrorResponse error = error(ctx, e);
            entry.put("status", String.valueOf(error.getStatus()));
            entry.set("response", ScimResponses.errorBody(error.getStatus(), error.getScimType(), error.getDetail()));
            return new Outcome(entry, true, posted, Optional.empty());
        }
    }

    private UserOperations.Result apply(ProvisioningToken.Holder caller, BulkRequest.Operation op, Target to,
                                        BulkRequest request, Map<String, Optional<UUID>> created, String scimUrl)
            throws ScimException {
        String usersUrl = scimUrl + "/Users";
        String groupsUrl = scimUrl + "/Groups";
        Optional<UUID> target = to.id();
        // The version is the operation's If-Match, read before the data as a single request reads
        // its header before its body; POST /Users reads no If-Match: there is nothing yet to match.
        Precondition condition = op.method() == BulkRequest.Method.POST ? Precondition.NONE : ifMatch(op);
        Optional<JsonNode> data = op.data().isPresent()
                ? Optional.of(resolveReferences(op.data().get(), request, created)) : Optional.empty();
        if (to.group()) {
            return switch (op.method()) {
                case POST -> GroupOperations.result(201, groups.create(caller, data.orElseThrow()), groupsUrl);
                case PUT -> GroupOperations.result(200, groups.replace(caller, target.orElseThrow(), condition, data.orElseThrow()), groupsUrl);
                case PATCH -> GroupOperations.result(200, groups.patch(caller, target.orElseThrow(), condition, data.orElseThrow()), groupsUrl);
                case DELETE -> {
                    groups.delete(caller, target.orElseThrow(), condition);
                    yield new UserOperations.Result(204, target.get(), Optional.empty(), Optional.empty(), groupsUrl + "/" + target.get());
                }
            };
        }
        return switch (op.method()) {
            case POST -> users.create(caller, data.orElseThrow(), usersUrl);
            case PUT -> users.replace(caller, target.orElseThrow(), condition, data.orElseThrow(), usersUrl);
            case PATCH -> users.patch(caller, target.orElseThrow(), condition, data.orElseThrow(), usersUrl);
            case DELETE -> users.delete(caller, target.orElseThrow(), condition, usersUrl);
        };
    }

    /** §3.7's version as If-Match, with the same 412 as the header for a tag that is not ours. */
    private static Precondition ifMatch(BulkRequest.Operation op) throws ScimException {
        return ETags.precondition(op.version().orElse(null), null);
    }

    /**
     * The resource the path names: {@code /Users} or {@code /Groups} for a POST, else
     * {@code /Users/{id}} or {@code /Groups/{id}} with {id} an id or a bulkId reference.
     */
    private static Target target(BulkRequest.Operation op, BulkRequest request,
                                 Map<String, Optional<UUID>> created) throws ScimException {
        String path = op.path().endsWith("/") ? op.path().substring(0, op.path().length() - 1) : op.path();
        boolean group = path.equals("/Groups") || path.startsWith("/Groups/");
        String type = group ? "/Groups" : "/Users";
        if (op.method() == BulkRequest.Method.POST) {
            if (!path.equals("/Users") && !path.equals("/Groups")) {
                throw BadRequestException.invalidPath("a POST operation's path is /Users or /Groups, not " + op.path());
            }
            return new Target(group, Optional.empty());
        }
        String id = path.startsWith(type + "/") ? path.substring(type.length() + 1) : "";
        if (id.isEmpty() || id.contains("/") || id.contains("?")) {
            throw BadRequestException.invalidPath("a " + op.method() + " operation's path is /Users/{id} or /Groups/{id}, not "
                    + op.path());
        }
        UUID resolved = id.startsWith(REFERENCE) ? resolve(id.substring(REFERENCE.length()), request, created)
                : group ? GroupOperations.groupId(id) : UserOperations.scimId(id);
        return new Target(group, Optional.of(resolved));
    }

    /** data with every string value "bulkId:q1" replaced by the id q1's POST created (§3.7.2). */
    private static JsonNode resolveReferences(JsonNode data, BulkRequest request, Map<String, Optional<UUID>> created)
            throws ScimException {
        if (data.isTextual() && data.asText().startsWith(REFERENCE)) {
            return TextNode.valueOf(resolve(data.asText().substring(REFERENCE.length()), request, created).toString());
        }
        if (!data.isContainerNode()) return data;
        JsonNode copy = data.deepCopy();
        if (copy instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                object.set(name, resolveReferences(object.get(name), request, created));
            }
        } else if (copy instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) array.set(i, resolveReferences(array.get(i), request, created));
        }
        return copy;
    }

    private static UUID resolve(String bulkId, BulkRequest request, Map<String, Optional<UUID>> created)
            throws ScimException {
        Optional<UUID> id = created.get(bulkId);
        if (id == null) {
            throw unresolved(request.postedBulkIds().contains(bulkId)
                    ? "bulkId:" + bulkId + " refers to a POST that comes later in this request; operations run in the "
                            + "order sent, so put that POST first"
                    : "bulkId:" + bulkId + " refers to no POST operation of this request");
        }
        return id.orElseThrow(() -> unresolved("bulkId:" + bulkId + " refers to a POST that failed, so there is nothing "
                + "to refer to; see that operation's response"));
    }

    private static ScimException unresolved(String detail) {
        return new ScimException(409, BadRequestException.INVALID_VALUE, detail);
    }

    /**
     * The SCIM Error an exception stands for, as http.Errors maps it for a single request; an
     * unexpected one is logged with the request id and answered without internals.
     */
    private static ErrorResponse error(Context ctx, Exception e) {
        return Errors.describe(e)
                .map(p -> error(p.status(), p.scimType(), p.detail()))
                .orElseGet(() -> {
                    log.error("bulk operation of {} {} failed (request id {})", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
                    return error(500, null, "internal error; the server log has the details under request id " + RequestIds.of(ctx));
                });
    }

    private static ErrorResponse error(int status, String scimType, String detail) {
        ErrorResponse error = new ErrorResponse(status);
        error.setScimType(scimType);
        error.setDetail(detail);
        return error;
    }

    /** The body, with the payload limit named as §3.7.4 advertises it. */
    private static JsonNode body(Context ctx) throws Exception {
        try {
            return Json.readBody(ctx, ScimJson.MAPPER, true);
        } catch (Json.BodyException e) {
            if (e.status() != 413) throw e;
            throw new ScimException(413, null, "the bulk request is larger than maxPayloadSize ("
                    + BulkRequest.MAX_PAYLOAD_SIZE + " bytes, see /ServiceProviderConfig); split it into several requests");
        }
    }
}
