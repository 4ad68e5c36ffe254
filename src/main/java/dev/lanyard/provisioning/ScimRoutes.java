package dev.lanyard.provisioning;

import com.unboundid.scim2.common.exceptions.NotImplementedException;
import com.unboundid.scim2.common.exceptions.ScimException;
import dev.lanyard.account.AccountService;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.FailureReason;
import dev.lanyard.domain.Workers;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.Access;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.token.ProvisioningToken;
import dev.lanyard.token.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every SCIM route of an organization, under {@code /scim/v2/{orgId}}. Each organization has its
 * own base URL so a token can be checked against the URL it is used at.
 */
public final class ScimRoutes {
    public static final String PREFIX = "/scim/v2/";

    private final UserRoutes users;
    private final GroupRoutes groups;
    private final RootSearch rootSearch;
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
        this.users = new UserRoutes(accounts, operations, baseUrl, cursors);
        this.groups = new GroupRoutes(groupService, groupOperations, baseUrl, cursors);
        this.rootSearch = new RootSearch(accounts, new UserGroups(groupService), groupService, baseUrl);
        this.bulk = new BulkRoutes(auth, baseUrl, operations, groupOperations);
        this.discovery = new DiscoveryRoutes(baseUrl);
    }

    /** A SCIM handler, given the token holder (its organization) that {@link ScimAuth} accepted. */
    @FunctionalInterface
    interface Handler {
        void handle(Context ctx, ProvisioningToken.Holder caller) throws Exception;
    }

    /**
     * Every route is registered through {@link #add}, which declares {@link Access#SCIM_TOKEN}
     * and checks the bearer token (401 / 403) before the handler runs: none can skip it.
     */
    public void register(RoutesConfig routes) {
        String base = PREFIX + "{orgId}";
        // Every SCIM request that took a place under its organization's limits (ScimAuth) gives it
        // back, whether it succeeded or failed: after-handlers run after the exception mapping too.
        routes.after(PREFIX + "*", ScimAuth::release);
        add(routes, HandlerType.GET, base + "/Users", users::list);
        add(routes, HandlerType.POST, base + "/Users", users::create);
        add(routes, HandlerType.POST, base + "/Users/.search", users::searchByPost);
        add(routes, HandlerType.POST, base + "/.search", rootSearch::searchByPost);  // Users and Groups (RootSearch)
        add(routes, HandlerType.GET, base + "/Users/{id}", users::get);
        add(routes, HandlerType.PUT, base + "/Users/{id}", users::replace);
        add(routes, HandlerType.PATCH, base + "/Users/{id}", users::patch);
        add(routes, HandlerType.DELETE, base + "/Users/{id}", users::delete);
        add(routes, HandlerType.POST, base + "/Bulk", bulk::bulk);

        add(routes, HandlerType.GET, base + "/Groups", groups::list);
        add(routes, HandlerType.POST, base + "/Groups", groups::create);
        add(routes, HandlerType.POST, base + "/Groups/.search", groups::searchByPost);
        add(routes, HandlerType.GET, base + "/Groups/{id}", groups::get);
        add(routes, HandlerType.PUT, base + "/Groups/{id}", groups::replace);
        add(routes, HandlerType.PATCH, base + "/Groups/{id}", groups::patch);
        add(routes, HandlerType.DELETE, base + "/Groups/{id}", groups::delete);

        // RFC 7644 §3.11: /Me is the authenticated subject. A SCIM token stands for an
        // organization, not a person, so there is none: 501, as the RFC says for "not supported".
        for (String me : List.of(base + "/Me", base + "/Me/*")) {
            for (var method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE)) {
                add(routes, method, me, (ctx, caller) -> {
                    throw new NotImplementedException("/Me is not supported: a SCIM token belongs to an organization, "
                            + "not to a user; use /Users/{id}");
                });
            }
        }

        add(routes, HandlerType.GET, base + "/ServiceProviderConfig", discovery::serviceProviderConfig);
        add(routes, HandlerType.GET, base + "/ResourceTypes", discovery::resourceTypes);
        add(routes, HandlerType.GET, base + "/ResourceTypes/{id}", discovery::resourceType);
        add(routes, HandlerType.GET, base + "/Schemas", discovery::schemas);
        add(routes, HandlerType.GET, base + "/Schemas/{id}", discovery::schemaById);

        // Any other method on these paths: 405 with Allow (RFC 9110 §15.5.6) and a SCIM Error, after
        // the token check like every SCIM request, instead of 404 as if the path did not exist.
        Map<String, Set<HandlerType>> registered = new LinkedHashMap<>(methods);
        registered.forEach((path, allowed) -> {
            String allow = allowed.stream().map(HandlerType::name).collect(Collectors.joining(", "));
            for (HandlerType method : SCIM_METHODS) {
                if (allowed.contains(method)) continue;
                add(routes, method, path, (ctx, caller) -> {
                    ctx.header("Allow", allow);
                    throw new ScimException(405, null, method.name() + " is not supported on this endpoint; it allows " + allow);
                });
            }
        });
        addUnknownPaths(routes, base);
    }

    /**
     * Any other path under an organization's SCIM URL: 404 "no such endpoint", but after the token
     * check like every SCIM request, so an IdP calling a wrong address with a good token sees it in
     * its provisioning log, and an anonymous request is a 401 that writes nothing.
     */
    private void addUnknownPaths(RoutesConfig routes, String base) {
        for (HandlerType method : SCIM_METHODS) {
            add(routes, method, base + "/*", (ctx, caller) -> {
                throw new DomainException.NotFound(FailureReason.UNKNOWN_ENDPOINT, "no such endpoint: " + ctx.method() + " "
                        + ctx.path() + "; check the SCIM URL in the IdP");
            });
        }
    }

    /** The methods SCIM uses (RFC 7644 §3.2). */
    private static final List<HandlerType> SCIM_METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    /** The methods registered on each path, for the 405 answers. */
    private final Map<String, Set<HandlerType>> methods = new LinkedHashMap<>();

    private void add(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
        io.javalin.http.Handler checked = ctx -> handler.handle(ctx, auth.require(ctx));
        routes.addHttpHandler(method, path, checked, Access.SCIM_TOKEN);
        // HEAD is GET without the body (RFC 9110 §9.3.2), with GET's token check: left to itself,
        // Javalin would answer HEAD with 200 without running the handler, or the check.
        if (method == HandlerType.GET) routes.addHttpHandler(HandlerType.HEAD, path, checked, Access.SCIM_TOKEN);
    }
}
