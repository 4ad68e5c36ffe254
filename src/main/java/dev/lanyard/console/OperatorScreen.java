package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

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

    private final ConsoleAuth auth;
    private final OrganizationService organizations;

    OperatorScreen(ConsoleAuth auth, OrganizationService organizations) {
        this.auth = auth;
        this.organizations = organizations;
    }

    void register(ConsoleRouter routes) {
        routes.get(ORGS, Access.CONSOLE_OPERATOR, this::list);
        routes.post(ORGS + "/{id}/open", Access.CONSOLE_OPERATOR, this::open);
    }

    private void list(Context ctx, ConsoleSession s) {
        Views.render(ctx, 200, "console/organizations.jte", new OrganizationsPage(s, organizations.list()));
    }

    private void open(Context ctx, ConsoleSession s) {
        UUID orgId = OrganizationService.parseUuid(ctx.pathParam("id"))
                .flatMap(organizations::findById).orElseThrow(NotFoundResponse::new).id();
        auth.openOrganization(ctx.cookie(ConsoleCookies.SESSION), orgId);
        ctx.redirect(ConsoleRoutes.PREFIX, HttpStatus.SEE_OTHER);
    }
}
