package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.Precondition;
import dev.lanyard.group.Group;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.scim.Projection;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.token.ProvisioningToken;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * /scim/v2/{orgId}/Groups (RFC 7644 §3): parse and check the request, call {@link GroupService}
 * (changes through {@link GroupOperations}, which bulk operations share), render with
 * {@link GroupRepresentation}, which streams members. No SQL here: the group package owns its
 * SQL and its filter-to-column map.
 *
 * <p>PATCH answers 204 No Content with the new ETag (RFC 7644 §3.5.2 allows it), so a membership
 * change of a big group never sends the group back; with {@code attributes} or
 * {@code excludedAttributes} it answers 200 with the group so projected.
 */
final class GroupRoutes {
    private final GroupService groups;
    private final GroupOperations operations;
    private final GroupRepresentation representation;
    private final BaseUrl baseUrl;
    private final Cursors cursors;

    GroupRoutes(GroupService groups, GroupOperations operations, BaseUrl baseUrl, Cursors cursors) {
        this.groups = groups;
        this.operations = operations;
        this.representation = new GroupRepresentation(groups);
        this.baseUrl = baseUrl;
        this.cursors = cursors;
    }

    void create(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        Projection projection = projection(ctx);
        Group created = operations.create(caller, body(ctx));
        representation.writeOne(ctx, 201, created, projection, groupsUrl(ctx), usersUrl(ctx));
    }

    void get(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        Projection projection = projection(ctx);
        Group g = groups.find(caller.orgId(), id(ctx)).orElseThrow(() -> GroupOperations.notFound(ctx.pathParam("id")));
        if (ETags.noneMatch(ctx.header("If-None-Match"), g.version())) {
            ctx.status(304).header("ETag", GroupRepresentation.etag(g));
            return;
        }
        representation.writeOne(ctx, 200, g, projection, groupsUrl(ctx), usersUrl(ctx));
    }

    void list(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        search(ctx, caller, ListRequest.fromQuery(ctx));
    }

    /** POST /Groups/.search (RFC 7644 §3.4.3). */
    void searchByPost(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        search(ctx, caller, ListRequest.fromSearchBody(body(ctx)));
    }

    private void search(Context ctx, ProvisioningToken.Holder caller, ListRequest request) throws Exception {
        Optional<Filter> filter = request.filter().isEmpty() ? Optional.empty() : Optional.of(ScimFilters.parse(request.filter().get()));
        // The resource type is part of the fingerprint: a /Users cursor never pages /Groups.
        String fingerprint = request.fingerprint(caller.orgId() + "/Groups");
        AccountQuery.Window window;
        Paging paging = null;
        if (request.cursor().isPresent()) {
            int count = Paging.cursorCount(request.count().orElse(null));
            window = new AccountQuery.After(cursors.decode(request.cursor().get(), fingerprint), count);
        } else {
            paging = Paging.of(request.startIndex().orElse(null), request.count().orElse(null));
            window = new AccountQuery.Index(paging.offset(), paging.count());
        }
        GroupService.SearchPage page = groups.search(caller.orgId(), filter, request.sortBy(), request.descending(), window);
        ObjectNode envelope = ScimResponses.listResponse(page.totalResults(), paging == null ? 0 : paging.startIndex(), List.of());
        envelope.put("itemsPerPage", page.groups().size());
        if (paging == null) {
            envelope.remove("startIndex");  // a cursor page has no index (RFC 9865 §2)
            page.next().ifPresent(next -> envelope.put("nextCursor", cursors.encode(next, fingerprint)));
        }
        representation.writeList(ctx, envelope, page.groups(), request.projection(), groupsUrl(ctx), usersUrl(ctx));
    }

    void replace(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        UUID id = id(ctx);
        Precondition condition = ETags.precondition(ctx);
        Projection projection = projection(ctx);
        Group updated = operations.replace(caller, id, condition, body(ctx));
        representation.writeOne(ctx, 200, updated, projection, groupsUrl(ctx), usersUrl(ctx));
    }

    void patch(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        UUID id = id(ctx);
        Precondition condition = ETags.precondition(ctx);
        boolean wantsBody = ctx.queryParam("attributes") != null || ctx.queryParam("excludedAttributes") != null;
        Projection projection = projection(ctx);
        Group updated = operations.patch(caller, id, condition, body(ctx));
        if (wantsBody) {
            representation.writeOne(ctx, 200, updated, projection, groupsUrl(ctx), usersUrl(ctx));
        } else {
            ctx.header("ETag", GroupRepresentation.etag(updated)).header("Location", groupsUrl(ctx) + "/" + updated.id()).status(204);
        }
    }

    void delete(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        Precondition condition = ETags.precondition(ctx);
        operations.delete(caller, id(ctx), condition);
        ctx.status(204);
    }

    private static Projection projection(Context ctx) throws BadRequestException {
        return Projection.parse(ctx.queryParam("attributes"), ctx.queryParam("excludedAttributes"));
    }

    private static JsonNode body(Context ctx) throws Exception {
        return Json.readBody(ctx, ScimJson.MAPPER, true);
    }

    private static UUID id(Context ctx) throws ScimException {
        return GroupOperations.groupId(ctx.pathParam("id"));
    }

    private String groupsUrl(Context ctx) {
        return baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId") + "/Groups";
    }

    private String usersUrl(Context ctx) {
        return baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId") + "/Users";
    }
}
