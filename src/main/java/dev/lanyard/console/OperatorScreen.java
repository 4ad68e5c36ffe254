package dev.lanyard.console;

import dev.lanyard.domain.DomainException;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator's way into every organization: after signing in with the operator credential
 * ({@link LoginScreen}) they see all organizations, create one, give it admins, reset an admin's
 * forgotten password, and open it; every console page then acts on it, as it would for that
 * organization's admin, with "operator" recorded as who acted. The same services as the
 * operator's API ({@code bin/lanyard org create}, {@code admin create}, {@code admin reset-password}),
 * so the rules and messages are the same.
 *
 * <pre>
 * GET  /console/organizations                      every organization, and "Create organization" (operator only; 404 for admins)
 * POST /console/organizations                      creates one (CSRF), 303 to its page
 * GET  /console/organizations/{id}                 its admins, "Add admin", "Reset password"
 * POST /console/organizations/{id}/admins          a new admin with a one-time password (CSRF), 303 to the one-time view
 * POST /console/organizations/{id}/admins/reset    a new one-time password; the admin's sessions end (CSRF), likewise
 * GET  /console/organizations/{id}/one-time-password   the password, once ({@link ShownOnce})
 * POST /console/organizations/{id}/open            the session acts on this organization (CSRF), 303 to /console
 * </pre>
 */
final class OperatorScreen {
    static final String ORGS = ConsoleRoutes.PREFIX + "/organizations";
    /** An organization's page lists this many admins at most: admins are a handful, not a directory. */
    static final int ADMINS_SHOWN = 200;

    private final ConsoleAuth auth;
    private final OrganizationService organizations;
    private final AdminUserService admins;
    private final ConsoleCookies cookies;

    OperatorScreen(ConsoleAuth auth, OrganizationService organizations, AdminUserService admins, ConsoleCookies cookies) {
        this.auth = auth;
        this.organizations = organizations;
        this.admins = admins;
        this.cookies = cookies;
    }

    void register(ConsoleRouter routes) {
        routes.get(ORGS, Access.CONSOLE_OPERATOR, this::list);
        routes.post(ORGS, Access.CONSOLE_OPERATOR, this::create);
        routes.get(ORGS + "/{id}", Access.CONSOLE_OPERATOR, this::organization);
        routes.post(ORGS + "/{id}/admins", Access.CONSOLE_OPERATOR, this::addAdmin);
        routes.post(ORGS + "/{id}/admins/reset", Access.CONSOLE_OPERATOR, this::resetPassword);
        routes.get(ORGS + "/{id}/one-time-password", Access.CONSOLE_OPERATOR, this::oneTimePassword);
        routes.post(ORGS + "/{id}/open", Access.CONSOLE_OPERATOR, this::open);
    }

    private void list(Context ctx, ConsoleSession s) {
        Views.render(ctx, 200, "console/organizations.jte", new OrganizationsPage(s, organizations.list(), "", Optional.empty()));
    }

    private void create(Context ctx, ConsoleSession s) {
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("");
        try {
            Organization created = organizations.create(name);
            ctx.redirect(ORGS + "/" + created.id() + "?created", HttpStatus.SEE_OTHER);
        } catch (DomainException.Invalid | DomainException.Conflict e) {
            Views.render(ctx, 400, "console/organizations.jte", new OrganizationsPage(s, organizations.list(),
                    name.length() > 300 ? name.substring(0, 300) : name, Optional.of(sentence(e.getMessage()))));
        }
    }

    private void organization(Context ctx, ConsoleSession s) {
        Organization org = org(ctx);
        Optional<String> notice = ctx.queryParam("created") != null
                ? Optional.of("The organization " + org.name() + " was created. Add its first admin below.") : Optional.empty();
        render(ctx, s, org, 200, notice, Optional.empty(), "");
    }

    private void render(Context ctx, ConsoleSession s, Organization org, int status, Optional<String> notice,
                        Optional<String> error, String email) {
        Views.render(ctx, status, "console/organization.jte", new OrganizationsPage.Detail(s, org,
                admins.list(org.id(), ADMINS_SHOWN), notice, error, email));
    }

    private void addAdmin(Context ctx, ConsoleSession s) {
        Organization org = org(ctx);
        String email = Optional.ofNullable(ctx.formParam("email")).orElse("");
        try {
            AdminUserService.Created created = admins.create(org.id(), email, s.actor());
            ShownOnce.redirect(ctx, cookies, ORGS + "/" + org.id() + "/one-time-password", "created", created.admin().email(), created.password());
        } catch (DomainException.Invalid | DomainException.Conflict e) {
            render(ctx, s, org, 400, Optional.empty(), Optional.of(sentence(e.getMessage())), email.length() > 300 ? "" : email);
        }
    }

    private void resetPassword(Context ctx, ConsoleSession s) {
        Organization org = org(ctx);
        String email = Optional.ofNullable(ctx.formParam("email")).orElse("");
        try {
            AdminUserService.Created reset = admins.resetPassword(org.id(), email, s.actor());
            ShownOnce.redirect(ctx, cookies, ORGS + "/" + org.id() + "/one-time-password", "reset", reset.admin().email(), reset.password());
        } catch (DomainException.NotFound e) {
            render(ctx, s, org, 404, Optional.empty(), Optional.of(sentence(e.getMessage())), "");
        }
    }

    private void oneTimePassword(Context ctx, ConsoleSession s) {
        Organization org = org(ctx);
        Optional<List<String>> shown = ShownOnce.take(ctx, cookies, ORGS + "/" + org.id() + "/one-time-password", 3);
        String loginUrl = cookies.baseUrl().of(ctx) + ConsoleRoutes.PREFIX + "/login";
        Views.render(ctx, 200, "console/organization_password.jte", new OrganizationsPage.OneTimePassword(s, org,
                shown.map(v -> v.get(0).equals("reset")).orElse(false), shown.map(v -> v.get(1)), shown.map(v -> v.get(2)), loginUrl));
    }

    private void open(Context ctx, ConsoleSession s) {
        UUID orgId = org(ctx).id();
        auth.openOrganization(ctx.cookie(ConsoleCookies.SESSION), orgId);
        ctx.redirect(ConsoleRoutes.PREFIX, HttpStatus.SEE_OTHER);
    }

    private Organization org(Context ctx) {
        return OrganizationService.parseUuid(ctx.pathParam("id")).flatMap(organizations::findById).orElseThrow(NotFoundResponse::new);
    }

    /** A service's message as a sentence for the page ("an organization needs a name" -> "An organization needs a name."). */
    static String sentence(String message) {
        if (message == null || message.isEmpty()) return "";
        String first = message.split(" ", 2)[0];
        // An email or a quoted value first ("ann@x.com is already an admin") stays as it is.
        String s = first.contains("@") ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
