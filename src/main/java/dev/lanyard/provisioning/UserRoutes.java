package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import dev.lanyard.account.AccountQuery;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.account.Precondition;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.scim.Projection;
import dev.lanyard.scim.ScimFilters;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.token.ProvisioningToken;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * /scim/v2/{orgId}/Users (RFC 7644 §3): parse and check the request, call {@link AccountService}
 * (changes through {@link UserOperations}, which bulk operations share), render the result. No SQL
 * here and no product rules: those live in the account package.
 */
final class UserRoutes {
    private final AccountService accounts;
    private final BaseUrl baseUrl;
    private final Cursors cursors;
    private final UserOperations operations;

    UserRoutes(AccountService accounts, UserOperations operations, BaseUrl baseUrl, Cursors cursors) {
        this.accounts = accounts;
        this.operations = operations;
        this.baseUrl = baseUrl;
        this.cursors = cursors;
    }

    void create(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        Projection projection = projection(ctx);
        write(ctx, operations.create(caller, body(ctx), usersUrl(ctx)), projection);  // a new User is in no group yet
    }

    void get(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        UUID orgId = caller.orgId();
        Projection projection = projection(ctx);
        // The groups in the same statement as the account (UserGroups.beside): one round trip.
        AccountService.Found found = accounts.findLinked(orgId, scimId(ctx), UserGroups.beside(projection)).orElseThrow(() -> notFound(ctx));
        ManagedAccount account = found.account();
        ProvisioningLogCapture.about(ctx, account);
        if (ETags.noneMatch(ctx.header("If-None-Match"), account.version())) {
            ctx.status(304).header("ETag", UserRepresentation.etag(account));
            return;
        }
        ctx.header("ETag", UserRepresentation.etag(account));
        ObjectNode user = UserRepresentation.render(account, usersUrl(ctx));
        ctx.header("Location", user.get("meta").get("location").asText());
        UserGroups.attachBeside(List.of(user), found.beside().map(json -> Map.of(account.scimId().orElseThrow(), json)).orElse(Map.of()),
                projection, groupsUrl(ctx));
        ScimResponses.json(ctx, 200, projection.apply(user));
    }

    void list(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        search(ctx, caller, ListRequest.fromQuery(ctx));
    }

    /** POST /Users/.search (RFC 7644 §3.4.3): the query in the body. */
    void searchByPost(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        search(ctx, caller, ListRequest.fromSearchBody(body(ctx)));
    }

    private void search(Context ctx, ProvisioningToken.Holder caller, ListRequest request) throws Exception {
        String text = request.filter().orElse("");
        Optional<Filter> filter = text.isBlank() ? Optional.empty() : Optional.of(ScimFilters.parse(text));
        AccountQuery.Criteria criteria = AccountService.criteria(filter, request.sortBy(), request.descending());
        // Only a cursor page needs the query's fingerprint (a SHA-256): an index page never computes it.
        String fingerprint = request.cursor().isPresent() ? request.fingerprint(caller.orgId().toString()) : null;
        AccountQuery.Window window;
        Paging paging = null;
        if (request.cursor().isPresent()) {
            int count = Paging.cursorCount(request.count().orElse(null));
            window = new AccountQuery.After(cursors.decode(request.cursor().get(), fingerprint), count);
        } else {
            paging = Paging.of(request.startIndex().orElse(null), request.count().orElse(null));
            window = new AccountQuery.Index(paging.offset(), paging.count());
        }
        AccountService.SearchPage page = accounts.searchLinked(caller.orgId(), criteria, window, UserGroups.beside(request.projection()));
        String usersUrl = usersUrl(ctx);
        if (request.projection().isAll()) {
            writeAll(ctx, page, paging, fingerprint, usersUrl);
            return;
        }
        List<ObjectNode> rendered = page.accounts().stream().map(a -> UserRepresentation.render(a, usersUrl)).toList();
        UserGroups.attachBeside(rendered, page.beside(), request.projection(), groupsUrl(ctx));
        List<ObjectNode> resources = rendered.stream().map(request.projection()::apply).toList();
        ObjectNode body = ScimResponses.listResponse(page.totalResults(), paging == null ? 0 : paging.startIndex(), resources);
        if (paging == null) {
            body.remove("startIndex");  // a cursor page has no index (RFC 9865 §2)
            page.next().ifPresent(next -> body.put("nextCursor", cursors.encode(next, fingerprint)));
        }
        ScimResponses.json(ctx, 200, body);
    }

    /**
     * The same ListResponse as the trees above make, for a page whose answer carries every
     * attribute (the IdPs' lookups), written as it is generated (UserRepresentation.write).
     */
    private void writeAll(Context ctx, AccountService.SearchPage page, Paging paging, String fingerprint, String usersUrl) {
        String groupsUrl = groupsUrl(ctx);
        ScimResponses.stream(ctx, 200, out -> {
            out.writeStartObject();
            out.writeArrayFieldStart("schemas");
            out.writeString(ScimJson.LIST_RESPONSE);
            out.writeEndArray();
            out.writeNumberField("totalResults", page.totalResults());
            if (paging != null) out.writeNumberField("startIndex", paging.startIndex());  // a cursor page has none (RFC 9865 §2)
            out.writeNumberField("itemsPerPage", page.accounts().size());
            out.writeArrayFieldStart("Resources");  // present even when empty (Okta reads it)
            for (ManagedAccount account : page.accounts()) {
                UUID scimId = account.scimId().orElseThrow();
                String groups = page.beside().get(scimId);
                UserRepresentation.write(out, account, usersUrl,
                        groups == null ? List.of() : GroupService.memberships(scimId, groups), groupsUrl);
            }
            out.writeEndArray();
            if (paging == null && page.next().isPresent()) out.writeStringField("nextCursor", cursors.encode(page.next().get(), fingerprint));
            out.writeEndObject();
        });
    }

    void replace(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        UUID scimId = scimId(ctx);
        Precondition condition = ETags.precondition(ctx);
        Projection projection = projection(ctx);
        writeWithGroups(ctx, operations.replace(caller, scimId, condition, body(ctx), usersUrl(ctx), UserGroups.beside(projection)), projection);
    }

    void patch(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        UUID scimId = scimId(ctx);
        Precondition condition = ETags.precondition(ctx);
        Projection projection = projection(ctx);
        writeWithGroups(ctx, operations.patch(caller, scimId, condition, body(ctx), usersUrl(ctx), UserGroups.beside(projection)), projection);
    }

    void delete(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        Precondition condition = ETags.precondition(ctx);
        UserOperations.Result deleted = operations.delete(caller, scimId(ctx), condition, usersUrl(ctx));
        ProvisioningLogCapture.about(ctx, deleted.account());
        ctx.status(deleted.status());
    }

    /**
     * A change's answer: its status, the ETag and Location headers and the User as the client asked
     * to see it. Location on every single-resource answer, as RFC 7644's examples show (§3.3 requires
     * it on 201; §3.4.1, §3.5.1 and §3.5.2 show it on GET, PUT and PATCH too).
     */
    private static void write(Context ctx, UserOperations.Result result, Projection projection) {
        ProvisioningLogCapture.about(ctx, result.account());
        result.etag().ifPresent(etag -> ctx.header("ETag", etag));
        ctx.header("Location", result.location());
        ScimResponses.json(ctx, result.status(), projection.apply(result.body().orElseThrow()));
    }

    /** A change's answer with the User's groups, which the change read beside the account (UserGroups.beside). */
    private void writeWithGroups(Context ctx, UserOperations.Result result, Projection projection) {
        UserGroups.attachBeside(List.of(result.body().orElseThrow()),
                result.beside().map(json -> Map.of(result.id(), json)).orElse(Map.of()), projection, groupsUrl(ctx));
        write(ctx, result, projection);
    }

    private String groupsUrl(Context ctx) {
        return baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId") + "/Groups";
    }

    private static Projection projection(Context ctx) throws BadRequestException {
        return Projection.parse(ctx.queryParam("attributes"), ctx.queryParam("excludedAttributes"));
    }

    private static JsonNode body(Context ctx) throws Exception {
        return Json.readBody(ctx, ScimJson.MAPPER, true);
    }

    private static UUID scimId(Context ctx) throws ScimException {
        return UserOperations.scimId(ctx.pathParam("id"));
    }

    private static ResourceNotFoundException notFound(Context ctx) {
        return UserOperations.notFound(ctx.pathParam("id"));
    }

    private String usersUrl(Context ctx) {
        return baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId") + "/Users";
    }
}
