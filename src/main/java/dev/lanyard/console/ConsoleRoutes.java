package dev.lanyard.console;

import dev.lanyard.account.AccountService;
import dev.lanyard.group.GroupService;
import dev.lanyard.audit.AuditTrailService;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.sso.SamlSettingsService;
import dev.lanyard.sso.SsoRoutes;
import dev.lanyard.sso.SsoService;
import dev.lanyard.organization.Organization;
import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.safeguard.SafeguardService;
import dev.lanyard.token.TokenService;
import dev.lanyard.webhook.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.Optional;

/**
 * The organization admins' web console under /console: server-rendered pages and plain forms that
 * work without JavaScript; one static script only adds conveniences (Copy buttons). Sign-in and
 * sign-out here; the screens hang off the landing page.
 *
 * <pre>
 * GET  /console/login     the sign-in form (organization, email, password)
 * POST /console/login     signs in: sets the lanyard_session cookie, 303 to /console
 * POST /console/logout    ends the session, 303 to /console/login
 * GET  /console           the landing page (303 to /console/login without a session)
 * GET  /console/accounts  managed accounts, their pages and manual deletion ({@link AccountsScreen})
 * GET  /console/groups    the groups the IdP pushed, with their members, read-only ({@link GroupsScreen})
 * GET  /console/provisioning  User provisioning: status, SCIM URL, tokens ({@link ProvisioningScreen})
 * GET  /console/provisioning/log  what the IdP sent, one request in full ({@link ProvisioningLogScreen})
 * GET  /console/provisioning/held  changes the mass-deprovisioning safeguard held, release / reject ({@link SafeguardScreen})
 * GET  /console/saml      SAML single sign-on settings, Test sign-in, the sign-in log ({@link SamlScreen})
 * GET  /console/setup     setup guides for Okta and Entra ID ({@link SetupScreen})
 * GET  /console/webhooks  webhook endpoints of the organization's apps, their delivery log, redeliver ({@link WebhooksScreen})
 * GET  /console/settings  the organization's settings: username change policy ({@link SettingsScreen})
 * GET  /console/audit     the organization's audit trail, its CSV and JSON export ({@link AuditScreen})
 * GET  /console/password  the admin's own password ({@link PasswordScreen})
 * GET  /console/login/operator, /console/organizations  the operator's way into every organization, its admins ({@link OperatorScreen})
 * GET  /console/operator/apps  the operator registers OpenID Connect apps ({@link OperatorAppsScreen})
 * </pre>
 */
public final class ConsoleRoutes {
    public static final String PREFIX = "/console";

    /**
     * Nothing but our own stylesheet and script loads (no inline script, no eval: an injected
     * {@code <script>} cannot run), no page can be framed (clickjacking) and forms post only here;
     * pages hold an organization's settings, so no cache keeps them.
     */
    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleAuth auth;
    private final ConsoleCookies cookies;
    private final SessionGuard guard;
    private final LoginScreen login;
    private final HomeScreen home;
    private final AccountsScreen accounts;
    private final GroupsScreen groups;
    private final ProvisioningScreen provisioning;
    private final SetupScreen setup;
    private final SettingsScreen settings;
    private final PasswordScreen password;
    private final OperatorScreen operator;
    private final ProvisioningLogScreen provisioningLog;
    private final SamlScreen saml;
    private final AppsScreen apps;
    private final OperatorAppsScreen operatorApps;
    private final AuditScreen audit;
    private final SafeguardScreen safeguard;
    private final WebhooksScreen webhooks;

    public ConsoleRoutes(ConsoleAuth auth, AccountService accountService, GroupService groupService, OrganizationService organizations,
                         TokenService tokens, ProvisioningLog log, ActorNames actors, BaseUrl baseUrl,
                         SamlSettingsService samlSettings, SsoService sso, ClientService apps, AdminUserService admins,
                         SafeguardService safeguard, AuditTrailService audit,
                         WebhookService webhookService) {
        this.auth = auth;
        this.cookies = new ConsoleCookies(baseUrl);
        this.guard = new SessionGuard(auth);
        this.login = new LoginScreen(auth, guard, cookies, organizations, sso);
        this.home = new HomeScreen(organizations, tokens, log, samlSettings, accountService, webhookService);
        this.accounts = new AccountsScreen(accountService, actors);
        this.groups = new GroupsScreen(groupService, actors);
        this.provisioning = new ProvisioningScreen(organizations, tokens, baseUrl, log, cookies);
        this.setup = new SetupScreen(provisioning);
        this.settings = new SettingsScreen(organizations, safeguard);
        this.password = new PasswordScreen(auth);
        this.operator = new OperatorScreen(auth, organizations, admins, cookies);
        this.provisioningLog = new ProvisioningLogScreen(log, tokens);
        this.saml = new SamlScreen(samlSettings, sso, accountService, baseUrl);
        this.apps = new AppsScreen(apps);
        this.audit = new AuditScreen(audit);
        this.operatorApps = new OperatorAppsScreen(apps, organizations, cookies);
        this.safeguard = new SafeguardScreen(safeguard, actors);
        this.webhooks = new WebhooksScreen(webhookService, apps);
    }

    /**
     * Every console route, each with its access rule ({@link ConsoleRouter}): the screens get the
     * router, never Javalin's routes, so none can register a route without one.
     */
    public void register(RoutesConfig config) {
        config.before(PREFIX, ConsoleRoutes::headers);
        config.before(PREFIX + "/*", ConsoleRoutes::headers);
        var routes = new ConsoleRouter(config, guard);
        Assets.register(routes);
        login.register(routes);
        routes.signOut(PREFIX + "/logout", this::logout);
        home.register(routes);
        accounts.register(routes);
        groups.register(routes);
        provisioning.register(routes);
        setup.register(routes);
        settings.register(routes);
        password.register(routes);
        operator.register(routes);
        provisioningLog.register(routes);
        saml.register(routes);
        apps.register(routes);
        audit.register(routes);
        operatorApps.register(routes);
        safeguard.register(routes);
        webhooks.register(routes);
    }

    /**
     * The console half of "console admins by SAML" ({@link SsoRoutes.ConsoleSignIn}): the IdP
     * vouched for {@code email}; if it is an admin of the organization, a console session starts.
     */
    public Optional<String> signInBySaml(Context ctx, Organization org, String email, String requestId) {
        Optional<String> cookie = auth.signInBySaml(org.id(), email, ctx.ip(), Optional.ofNullable(ctx.userAgent()).orElse(""));
        if (cookie.isEmpty()) return Optional.empty();
        auth.signOut(ctx.cookie(ConsoleCookies.SESSION));
        cookies.set(ctx, ConsoleCookies.SESSION, cookie.get());
        // The IdP's form post is cross-site, so it carries no console cookie: the page to return
        // to is read one step later, on the console's own path (LoginScreen#continueAfterSaml).
        return Optional.of(LoginScreen.samlContinue(requestId));
    }

    /** Whether a path belongs to the console (its errors are pages, not JSON). */
    public static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** A console error as a page, with the signed-in header when the route had admitted a session. */
    public static void error(Context ctx, int status, String detail) {
        Optional<ConsoleSession> session = ctx.attribute(ConsoleRouter.SESSION) instanceof ConsoleSession s ? Optional.of(s) : Optional.empty();
        Views.render(ctx, status, "console/error.jte", ErrorPage.forStatus(status, detail).with(session));
    }

    /**
     * The console's error page for a request Jetty refused before any route saw it (a URI too
     * long, a malformed percent-encoding): no session is looked up, since nothing of the request
     * can be trusted; the page still looks like the console's and leads back to it.
     */
    public static String errorHtml(int status, String detail) {
        String title = switch (status) {
            case 400 -> "400 Bad Request";
            case 414 -> "414 URI Too Long";
            case 431 -> "431 Request Header Fields Too Large";
            default -> ErrorPage.forStatus(status, detail).title();
        };
        return Views.html("console/error.jte", new ErrorPage(title, detail, PREFIX, "Back to the console"));
    }

    /**
     * {@code http/Errors} calls this for every path under /console: the page keeps the signed-in
     * header, also for a path no route has (404), where the session is looked up here.
     */
    public void errorPage(Context ctx, int status, String detail) {
        if (ctx.attribute(ConsoleRouter.SESSION) == null && status < 500) {
            try {
                guard.current(ctx).filter(s -> !s.mustChangePassword()).ifPresent(s -> ctx.attribute(ConsoleRouter.SESSION, s));
            } catch (RuntimeException e) {
                // The page without the header is still an answer; the cause is logged where it happened.
            }
        }
        error(ctx, status, detail);
    }

    private void logout(Context ctx, Optional<ConsoleSession> session) {
        if (session.isPresent()) auth.signOut(ctx.cookie(ConsoleCookies.SESSION));
        cookies.clear(ctx, ConsoleCookies.SESSION);
        // The sign-in form then says so: a signed-out admin knows the click worked.
        ctx.redirect(PREFIX + "/login" + (session.isPresent() ? "?signed-out" : ""), HttpStatus.SEE_OTHER);
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
