package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.util.Optional;
import java.util.UUID;

/**
 * The operator's way into every organization: after signing in with the operator credential
 * ({@link LoginScreen}) they see all organizations and open one; every console page then acts on
 * it, as it would for that organization's admin, with "operator" recorded as who acted.
 *
 * <pre>
 * GET  /console/organizations             every organization (operator only; 404 for admins)
 * POST /console/organizations/{id}/open   the session acts on this organization (CSRF), 303 to /console
 * </pre>
 */
final class OperatorScreen {
    static final String ORGS = ConsoleRoutes.PREFIX + "/organizations";

    private final SessionGuard guard;
    private final ConsoleAuth auth;
    private final OrganizationService organizations;

    OperatorScreen(SessionGuard guard, ConsoleAuth auth, OrganizationService organizations) {
        this.guard = guard;
        this.auth = auth;
        this.organizations = organizations;
    }

    void register(RoutesConfig routes) {
        routes.get(ORGS, this::list);
        routes.post(ORGS + "/{id}/open", this::open);
    }

    private void list(Context ctx) {
        Optional<ConsoleSession> s = operator(ctx);
        if (s.isEmpty()) return;
        Views.render(ctx, 200, "console/organizations.jte", new OrganizationsPage(s.get(), organizations.list()));
    }

    private void open(Context ctx) {
        Optional<ConsoleSession> s = operator(ctx);
        if (s.isEmpty()) return;
        SessionGuard.checkCsrf(ctx, s.get());
        UUID orgId = OrganizationService.parseUuid(ctx.pathParam("id"))
                .flatMap(organizations::findById).orElseThrow(NotFoundResponse::new).id();
        auth.openOrganization(ctx.cookie(ConsoleCookies.SESSION), orgId);
        ctx.redirect(ConsoleRoutes.PREFIX, HttpStatus.SEE_OTHER);
    }

    /** The operator's session; an admin has no such page (404), nobody signed in goes to sign in. */
    private Optional<ConsoleSession> operator(Context ctx) {
        Optional<ConsoleSession> s = guard.current(ctx);
        if (s.isEmpty()) {
            ctx.redirect(ConsoleRoutes.PREFIX + "/login", HttpStatus.SEE_OTHER);
        } else if (!s.get().operator()) {
            throw new NotFoundResponse();
        }
        return s;
    }
}
