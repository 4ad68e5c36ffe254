package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.NotImplementedException;
import dev.lanyard.account.AccountService;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.token.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;

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
        this.auth = new ScimAuth(tokens);
        var operations = new UserOperations(accounts);  // one way to change a User, with or without /Bulk
        this.users = new UserRoutes(accounts, operations, auth, baseUrl, new Cursors(cursorKey));
        this.bulk = new BulkRoutes(auth, baseUrl, operations);
        this.discovery = new DiscoveryRoutes(auth, baseUrl);
    }

    public void register(RoutesConfig routes) {
        String base = PREFIX + "{orgId}";
        Endpoints on = new Endpoints(routes);
        on.add(HandlerType.GET, base + "/Users", users::list);
        on.add(HandlerType.POST, base + "/Users", users::create);
        on.add(HandlerType.POST, base + "/Users/.search", users::searchByPost);
        on.add(HandlerType.POST, base + "/.search", users::searchByPost);  // Users are the only resource type
        on.add(HandlerType.GET, base + "/Users/{id}", users::get);
        on.add(HandlerType.PUT, base + "/Users/{id}", users::replace);
        on.add(HandlerType.PATCH, base + "/Users/{id}", users::patch);
        on.add(HandlerType.DELETE, base + "/Users/{id}", users::delete);
        on.add(HandlerType.POST, base + "/Bulk", bulk::bulk);

        // Okta's "Test API Credentials" also lists Groups. Lanyard has no groups yet, so the
        // truthful answer is an empty list; creating one is refused, and /ResourceTypes does not
        // offer Groups, so clients that read discovery do not try.
        on.add(HandlerType.GET, base + "/Groups", ctx -> {
            auth.require(ctx);
            ObjectNode empty = ScimResponses.listResponse(0, 1, List.of());
            ScimResponses.json(ctx, 200, empty);
        });
        on.add(HandlerType.POST, base + "/Groups", ctx -> {
            auth.require(ctx);
            throw new NotImplementedException("groups are not supported by this server yet; turn off group push in the IdP");
        });

        // RFC 7644 §3.11: /Me is the authenticated subject. A SCIM token stands for an
        // organization, not a person, so there is none: 501, as the RFC says for "not supported".
        for (String me : List.of(base + "/Me", base + "/Me/*")) {
            for (HandlerType method : Endpoints.METHODS) {
                on.add(method, me, ctx -> {
                    auth.require(ctx);
                    throw new NotImplementedException("/Me is not supported: a SCIM token belongs to an organization, "
                            + "not to a user; use /Users/{id}");
                });
            }
        }

        on.add(HandlerType.GET, base + "/ServiceProviderConfig", discovery::serviceProviderConfig);
        on.add(HandlerType.GET, base + "/ResourceTypes", discovery::resourceTypes);
        on.add(HandlerType.GET, base + "/ResourceTypes/{id}", discovery::resourceType);
        on.add(HandlerType.GET, base + "/Schemas", discovery::schemas);
        on.add(HandlerType.GET, base + "/Schemas/{id}", discovery::schemaById);

        // Any other method on these paths: 405 with Allow (RFC 9110 §15.5.6), after the token
        // check like every SCIM request, instead of Javalin's 404 "no such endpoint".
        on.refuseOtherMethods(ctx -> auth.require(ctx));
    }
}
