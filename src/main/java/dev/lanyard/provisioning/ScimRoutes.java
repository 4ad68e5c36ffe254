package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.NotImplementedException;
import dev.lanyard.account.AccountService;
import dev.lanyard.domain.Workers;
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
    private final BulkRoutes bulk;
    private final DiscoveryRoutes discovery;
    private final ScimAuth auth;

    public ScimRoutes(AccountService accounts, TokenService tokens, BaseUrl baseUrl, byte[] cursorKey) {
        this.auth = new ScimAuth(tokens, new TenantLimits());
        // Applying a PatchOp to a user with many values is CPU work: off the request threads,
        // so it never stalls other organizations' requests (domain.Workers says why).
        var patchWorkers = new Workers("scim-patch", Math.max(2, Runtime.getRuntime().availableProcessors()), 64, "changes");
        var operations = new UserOperations(accounts, patchWorkers);  // one way to change a User, with or without /Bulk
        this.users = new UserRoutes(accounts, operations, auth, baseUrl, new Cursors(cursorKey));
        this.bulk = new BulkRoutes(auth, baseUrl, operations);
        this.discovery = new DiscoveryRoutes(auth, baseUrl);
    }

    public void register(RoutesConfig routes) {
        String base = PREFIX + "{orgId}";
        // Every SCIM request that took a place under its organization's limits gives it back,
        // whether it succeeded or failed (after-handlers run after the exception mapping too).
        routes.after(PREFIX + "*", ScimAuth::release);
        routes.get(base + "/Users", users::list);
        routes.post(base + "/Users", users::create);
        routes.post(base + "/Users/.search", users::searchByPost);
        routes.post(base + "/.search", users::searchByPost);  // Users are the only resource type
        routes.get(base + "/Users/{id}", users::get);
        routes.put(base + "/Users/{id}", users::replace);
        routes.patch(base + "/Users/{id}", users::patch);
        routes.delete(base + "/Users/{id}", users::delete);
        routes.post(base + "/Bulk", bulk::bulk);

        // Okta's "Test API Credentials" also lists Groups. Lanyard has no groups yet, so the
        // truthful answer is an empty list; creating one is refused, and /ResourceTypes does not
        // offer Groups, so clients that read discovery do not try.
        routes.get(base + "/Groups", ctx -> {
            auth.require(ctx);
            ObjectNode empty = ScimResponses.listResponse(0, 1, List.of());
            ScimResponses.json(ctx, 200, empty);
        });
        routes.post(base + "/Groups", ctx -> {
            auth.require(ctx);
            throw new NotImplementedException("groups are not supported by this server yet; turn off group push in the IdP");
        });

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
                    case "GET" -> routes.get(me, notHere);
                    case "POST" -> routes.post(me, notHere);
                    case "PUT" -> routes.put(me, notHere);
                    case "PATCH" -> routes.patch(me, notHere);
                    default -> routes.delete(me, notHere);
                }
            }
        }

        routes.get(base + "/ServiceProviderConfig", discovery::serviceProviderConfig);
        routes.get(base + "/ResourceTypes", discovery::resourceTypes);
        routes.get(base + "/ResourceTypes/{id}", discovery::resourceType);
        routes.get(base + "/Schemas", discovery::schemas);
        routes.get(base + "/Schemas/{id}", discovery::schemaById);
    }
}
