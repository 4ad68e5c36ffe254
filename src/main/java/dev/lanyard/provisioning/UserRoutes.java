package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.PatchRequest;
import dev.lanyard.account.AccountColumns;
import dev.lanyard.account.AccountProfile;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.Precondition;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.scim.Projection;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.scim.UserDocument;
import dev.lanyard.scim.UserPatch;
import dev.lanyard.storage.SqlFilter;
import dev.lanyard.token.ProvisioningToken;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * /scim/v2/{orgId}/Users (RFC 7644 §3): parse and check the request, call {@link AccountService},
 * render the result. No SQL here and no product rules: those live in the account package.
 */
final class UserRoutes {
    private final AccountService accounts;
    private final ScimAuth auth;
    private final BaseUrl baseUrl;
    private final Cursors cursors;

    UserRoutes(AccountService accounts, ScimAuth auth, BaseUrl baseUrl, Cursors cursors) {
        this.accounts = accounts;
        this.auth = auth;
        this.baseUrl = baseUrl;
        this.cursors = cursors;
    }

    void create(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        Projection projection = projection(ctx);
        UserDocument doc = UserDocument.parse(body(ctx));
        ManagedAccount created = accounts.provision(orgId, profile(doc), actor(caller));
        ObjectNode rendered = UserRepresentation.render(created, usersUrl(ctx));
        ctx.header("Location", rendered.get("meta").get("location").asText());
        ctx.header("ETag", UserRepresentation.etag(created));
        ScimResponses.json(ctx, 201, projection.apply(rendered));
    }

    void get(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        Projection projection = projection(ctx);
        ManagedAccount account = accounts.findLinked(orgId, scimId(ctx)).orElseThrow(() -> notFound(ctx));
        if (ETags.noneMatch(ctx.header("If-None-Match"), account.version())) {
            ctx.status(304).header("ETag", UserRepresentation.etag(account));
            return;
        }
        ok(ctx, account, projection);
    }

    void list(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        search(ctx, caller, ListRequest.fromQuery(ctx));
    }

    /** POST /Users/.search and POST /.search (RFC 7644 §3.4.3): the query in the body. */
    void searchByPost(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        search(ctx, caller, ListRequest.fromSearchBody(body(ctx)));
    }

    private void search(Context ctx, ProvisioningToken.Holder caller, ListRequest request) throws Exception {
        Optional<SqlFilter.Where> where = where(request.filter().orElse(null));
        AccountQuery.Sort sort = request.sort();
        String fingerprint = request.fingerprint(caller.orgId().toString());
        AccountQuery.Window window;
        Paging paging = null;
        if (request.cursor().isPresent()) {
            int count = Paging.cursorCount(request.count().orElse(null));
            window = new AccountQuery.After(cursors.decode(request.cursor().get(), fingerprint), count);
        } else {
            paging = Paging.of(request.startIndex().orElse(null), request.count().orElse(null));
            window = new AccountQuery.Index(paging.offset(), paging.count());
        }
        AccountService.SearchPage page = accounts.searchLinked(caller.orgId(), new AccountQuery(where, sort, window));
        String usersUrl = usersUrl(ctx);
        List<ObjectNode> resources = page.accounts().stream()
                .map(a -> request.projection().apply(UserRepresentation.render(a, usersUrl))).toList();
        ObjectNode body = ScimResponses.listResponse(page.totalResults(), paging == null ? 0 : paging.startIndex(), resources);
        if (paging == null) {
            body.remove("startIndex");  // a cursor page has no index (RFC 9865 §2)
            page.next().ifPresent(next -> body.put("nextCursor", cursors.encode(next, fingerprint)));
        }
        ScimResponses.json(ctx, 200, body);
    }

    void replace(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        UUID scimId = scimId(ctx);
        Precondition condition = ETags.precondition(ctx);
        Projection projection = projection(ctx);
        JsonNode body = body(ctx);
        // Okta's PUT carries the read-only id; a different one means the client is confused.
        JsonNode id = body.get("id");
        if (id != null && id.isTextual() && !id.asText().equals(scimId.toString())) {
            throw BadRequestException.mutability("id is read-only: the body says " + id.asText()
                    + " but the URL names " + scimId);
        }
        UserDocument doc = UserDocument.parse(body);
        ManagedAccount updated = accounts.update(orgId, scimId, condition, current -> profile(doc), actor(caller));
        ok(ctx, updated, projection);
    }

    void patch(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        UUID scimId = scimId(ctx);
        Precondition condition = ETags.precondition(ctx);
        Projection projection = projection(ctx);
        PatchRequest patch = UserPatch.parse(body(ctx));
        ManagedAccount updated = accounts.update(orgId, scimId, condition, current -> {
            ObjectNode base = UserDocument.toScim(current.email(), current.active(), current.attributes());
            ObjectNode patched = UserPatch.apply(base, patch, scimId.toString());
            return profile(UserDocument.parse(patched));
        }, actor(caller));
        ok(ctx, updated, projection);
    }

    void delete(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        Precondition condition = ETags.precondition(ctx);
        accounts.deprovision(orgId, scimId(ctx), condition, actor(caller));
        ctx.status(204);
    }

    private void ok(Context ctx, ManagedAccount account, Projection projection) {
        ctx.header("ETag", UserRepresentation.etag(account));
        ScimResponses.json(ctx, 200, projection.apply(UserRepresentation.render(account, usersUrl(ctx))));
    }

    private static Projection projection(Context ctx) throws BadRequestException {
        return Projection.parse(ctx.queryParam("attributes"), ctx.queryParam("excludedAttributes"));
    }

    static Optional<SqlFilter.Where> where(String filter) throws BadRequestException {
        if (filter == null || filter.isBlank()) return Optional.empty();
        Filter parsed = ScimFilters.parse(filter);
        return Optional.of(SqlFilter.translate(parsed, AccountColumns.INSTANCE, ScimJson.USER_SCHEMA, AccountColumns.SUPPORTED));
    }

    private static AccountProfile profile(UserDocument doc) {
        return new AccountProfile(doc.userName(), doc.externalId(), doc.displayName(), doc.active(), doc.attributes());
    }

    private static JsonNode body(Context ctx) throws Exception {
        return Json.readBody(ctx, ScimJson.MAPPER);
    }

    /** A path id that is not a UUID cannot be one of ours: 404, like any unknown id. */
    private static UUID scimId(Context ctx) throws ScimException {
        return OrganizationService.parseUuid(ctx.pathParam("id")).orElseThrow(() -> notFound(ctx));
    }

    private static ResourceNotFoundException notFound(Context ctx) {
        return new ResourceNotFoundException("no user with id " + ctx.pathParam("id") + " in this organization");
    }

    private String usersUrl(Context ctx) {
        return baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId") + "/Users";
    }

    /** Who made the change, for the account's history: the token, not a secret. */
    private static String actor(ProvisioningToken.Holder caller) {
        return "scim:token:" + caller.tokenId();
    }
}
