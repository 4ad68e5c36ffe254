package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.NotImplementedException;
import dev.lanyard.account.AccountService;
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
    private final DiscoveryRoutes discovery;
    private final ScimAuth auth;

    public ScimRoutes(AccountService accounts, TokenService tokens, BaseUrl baseUrl) {
        this.auth = new ScimAuth(tokens);
        this.users = new UserRoutes(accounts, auth, baseUrl);
        this.discovery = new DiscoveryRoutes(auth, baseUrl);
    }

    public void register(RoutesConfig routes) {
        String base = PREFIX + "{orgId}";
        routes.get(base + "/Users", users::list);
        routes.post(base + "/Users", users::create);
        routes.get(base + "/Users/{id}", users::get);
        routes.put(base + "/Users/{id}", users::replace);
        routes.patch(base + "/Users/{id}", users::patch);
        routes.delete(base + "/Users/{id}", users::delete);

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

        routes.get(base + "/ServiceProviderConfig", discovery::serviceProviderConfig);
        routes.get(base + "/ResourceTypes", discovery::resourceTypes);
        routes.get(base + "/ResourceTypes/{id}", discovery::resourceType);
        routes.get(base + "/Schemas", discovery::schemas);
        routes.get(base + "/Schemas/{id}", discovery::schemaById);
    }
}
