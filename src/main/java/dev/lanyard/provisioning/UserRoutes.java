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
import dev.lanyard.account.AccountService;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.Json;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.scim.ScimJson;
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
    /** Filters longer than this are refused before parsing (they are never legitimate). */
    static final int MAX_FILTER_LENGTH = 2048;

    private final AccountService accounts;
    private final ScimAuth auth;
    private final BaseUrl baseUrl;

    UserRoutes(AccountService accounts, ScimAuth auth, BaseUrl baseUrl) {
        this.accounts = accounts;
        this.auth = auth;
        this.baseUrl = baseUrl;
    }

    void create(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        UserDocument doc = UserDocument.parse(body(ctx));
        ManagedAccount created = accounts.provision(orgId, profile(doc), actor(caller));
        ObjectNode rendered = UserRepresentation.render(created, usersUrl(ctx));
        ctx.header("Location", rendered.get("meta").get("location").asText());
        ctx.header("ETag", UserRepresentation.etag(created));
        ScimResponses.json(ctx, 201, rendered);
    }

    void get(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        ManagedAccount account = accounts.findLinked(orgId, scimId(ctx)).orElseThrow(() -> notFound(ctx));
        if (ETags.noneMatch(ctx.header("If-None-Match"), account.version())) {
            ctx.status(304).header("ETag", UserRepresentation.etag(account));
            return;
        }
        ok(ctx, account);
    }

    void list(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        Paging paging = Paging.of(ctx.queryParam("startIndex"), ctx.queryParam("count"));
        Optional<SqlFilter.Where> where = where(ctx.queryParam("filter"));
        AccountService.Page page = accounts.searchLinked(orgId, where, paging.offset(), paging.count());
        String usersUrl = usersUrl(ctx);
        List<ObjectNode> resources = page.accounts().stream().map(a -> UserRepresentation.render(a, usersUrl)).toList();
        ScimResponses.json(ctx, 200, ScimResponses.listResponse(page.totalResults(), paging.startIndex(), resources));
    }

    void replace(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        UUID scimId = scimId(ctx);
        Optional<Long> ifMatch = ETags.ifMatch(ctx.header("If-Match"));
        JsonNode body = body(ctx);
        // Okta's PUT carries the read-only id; a different one means the client is confused.
        JsonNode id = body.get("id");
        if (id != null && id.isTextual() && !id.asText().equals(scimId.toString())) {
            throw BadRequestException.mutability("id is read-only: the body says " + id.asText()
                    + " but the URL names " + scimId);
        }
        UserDocument doc = UserDocument.parse(body);
        ManagedAccount updated = accounts.update(orgId, scimId, ifMatch, current -> profile(doc), actor(caller));
        ok(ctx, updated);
    }

    void patch(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        UUID scimId = scimId(ctx);
        Optional<Long> ifMatch = ETags.ifMatch(ctx.header("If-Match"));
        PatchRequest patch = UserPatch.parse(body(ctx));
        ManagedAccount updated = accounts.update(orgId, scimId, ifMatch, current -> {
            ObjectNode base = UserDocument.toScim(current.email(), current.active(), current.attributes());
            ObjectNode patched = UserPatch.apply(base, patch, scimId.toString());
            return profile(UserDocument.parse(patched));
        }, actor(caller));
        ok(ctx, updated);
    }

    void delete(Context ctx) throws Exception {
        ProvisioningToken.Holder caller = auth.require(ctx);
        UUID orgId = caller.orgId();
        Optional<Long> ifMatch = ETags.ifMatch(ctx.header("If-Match"));
        accounts.deprovision(orgId, scimId(ctx), ifMatch, actor(caller));
        ctx.status(204);
    }

    private void ok(Context ctx, ManagedAccount account) {
        ctx.header("ETag", UserRepresentation.etag(account));
        ScimResponses.json(ctx, 200, UserRepresentation.render(account, usersUrl(ctx)));
    }

    static Optional<SqlFilter.Where> where(String filter) throws BadRequestException {
        if (filter == null || filter.isBlank()) return Optional.empty();
        if (filter.length() > MAX_FILTER_LENGTH) {
            throw BadRequestException.invalidFilter("the filter is longer than " + MAX_FILTER_LENGTH + " characters");
        }
        Filter parsed;
        try {
            parsed = Filter.fromString(filter);
        } catch (BadRequestException e) {
            throw BadRequestException.invalidFilter("the filter cannot be parsed: " + conciseParseError(e.getMessage())
                    + "; example of a valid filter: userName eq \"ann@example.com\"");
        }
        return Optional.of(SqlFilter.translate(parsed, AccountColumns.INSTANCE, ScimJson.USER_SCHEMA, AccountColumns.SUPPORTED));
    }

    /** The SDK's parse message up to its position, without the JSON parser's internals after it. */
    private static String conciseParseError(String message) {
        if (message == null) return "syntax error";
        var m = java.util.regex.Pattern.compile("^(.*?at position \\d+)").matcher(message);
        if (m.find()) return m.group(1);
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
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
