package dev.lanyard.provisioning;

import com.unboundid.scim2.common.exceptions.NotImplementedException;
import dev.lanyard.account.AccountService;
import dev.lanyard.domain.Workers;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.token.TokenService;
import io.javalin.config.RoutesConfig;

import java.util.List;

/**
 * Every SCIM route of an organization, under {@code /scim/v2/{orgId}}. Each organization has its
 * own base URL so a token can be checked against the URL it is used at.
 */
public final class ScimRoutes {
    public static final String PREFIX = "/scim/v2/";

    private final UserRoutes users;
    private final GroupRoutes groups;
    private final BulkRoutes bulk;
    private final DiscoveryRoutes discovery;
    private final ScimAuth auth;

    public ScimRoutes(AccountService accounts, GroupService groupService, TokenService tokens, BaseUrl baseUrl, byte[] cursorKey) {
        this.auth = new ScimAuth(tokens, new TenantLimits());
        // Applying a PatchOp to a user with many values is CPU work: off the request threads,
        // so it never stalls other organizations' requests (domain.Workers says why).
        var patchWorkers = new Workers("scim-patch", Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 64, "changes");
        var operations = new UserOperations(accounts, patchWorkers);  // one way to change a User, with or without /Bulk
        var groupOperations = new GroupOperations(groupService);
        var cursors = new Cursors(cursorKey);
        this.users = new UserRoutes(accounts, operations, new UserGroups(groupService), auth, baseUrl, cursors);
        this.groups = new GroupRoutes(groupService, groupOperations, auth, baseUrl, cursors);
        this.bulk = new BulkRoutes(auth, baseUrl, operations, groupOperations);
        this.discovery = new DiscoveryRoutes(auth, baseUrl);
    }

    public void register(RoutesConfig routes) {
        String base = PREFIX + "{orgId}";
        // Every SCIM request that took a place under its organization's limits gives it back,
        // whether it succeeded or failed (after-handlers run after the exception mapping too).
        routes.after(PREFIX + "*", ScimAuth::release);
        getAndHead(routes, base + "/Users", users::list);
        routes.post(base + "/Users", users::create);
        routes.post(base + "/Users/.search", users::searchByPost);
        routes.post(base + "/.search", users::searchByPost);  // Users only; Groups have /Groups/.search (README)
        getAndHead(routes, base + "/Users/{id}", users::get);
        routes.put(base + "/Users/{id}", users::replace);
        routes.patch(base + "/Users/{id}", users::patch);
        routes.delete(base + "/Users/{id}", users::delete);
        routes.post(base + "/Bulk", bulk::bulk);

        getAndHead(routes, base + "/Groups", groups::list);
        routes.post(base + "/Groups", groups::create);
        routes.post(base + "/Groups/.search", groups::searchByPost);
        getAndHead(routes, base + "/Groups/{id}", groups::get);
        routes.put(base + "/Groups/{id}", groups::replace);
        routes.patch(base + "/Groups/{id}", groups::patch);
        routes.delete(base + "/Groups/{id}", groups::delete);

        // RFC 7644 §3.11: /Me is the authenticated subject. A SCIM token stands for an
        // organization, not a person, so there is none: 501, as the RFC says for "not supported".
        for (String me : List.of(base + "/Me", base + "/Me/*")) {
            for (var method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                io.javalin.http.Handler notHere = ctx -> {
                    auth.require(ctx);
                    throw new NotImplementedException("/Me is not supported: a SCIM token belongs to an organization, "
                            + "not to a user; use /Users/{id}");
                };
                switch (method) {
                    case "GET" -> getAndHead(routes, me, notHere);
                    case "POST" -> routes.post(me, notHere);
                    case "PUT" -> routes.put(me, notHere);
                    case "PATCH" -> routes.patch(me, notHere);
                    default -> routes.delete(me, notHere);
                }
            }
        }

        getAndHead(routes, base + "/ServiceProviderConfig", discovery::serviceProviderConfig);
        getAndHead(routes, base + "/ResourceTypes", discovery::resourceTypes);
        getAndHead(routes, base + "/ResourceTypes/{id}", discovery::resourceType);
        getAndHead(routes, base + "/Schemas", discovery::schemas);
        getAndHead(routes, base + "/Schemas/{id}", discovery::schemaById);
    }

    /**
     * A GET route and its HEAD (RFC 9110 §9.3.2: the same answer without the body). Javalin would
     * otherwise answer HEAD itself with 200 without running the handler, so without its
     * authentication either.
     */
    private static void getAndHead(RoutesConfig routes, String path, io.javalin.http.Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }
}
