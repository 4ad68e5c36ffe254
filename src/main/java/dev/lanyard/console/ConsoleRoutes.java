package dev.lanyard.console;

import dev.lanyard.account.AccountService;
import dev.lanyard.group.GroupService;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.sso.SamlSettingsService;
import dev.lanyard.sso.SsoRoutes;
import dev.lanyard.sso.SsoService;
import dev.lanyard.organization.Organization;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.safeguard.SafeguardService;
import dev.lanyard.token.TokenService;
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
 * GET  /console/settings  the organization's settings: username change policy ({@link SettingsScreen})
 * GET  /console/password  the admin's own password ({@link PasswordScreen})
 * GET  /console/login/operator, /console/organizations  the operator's way into every organization ({@link OperatorScreen})
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
    private final SafeguardScreen safeguard;

    public ConsoleRoutes(ConsoleAuth auth, AccountService accountService, GroupService groupService, OrganizationService organizations,
                         TokenService tokens, ProvisioningLog log, ActorNames actors, BaseUrl baseUrl,
                         SamlSettingsService samlSettings, SsoService sso, ClientService apps, SafeguardService safeguard) {
        this.auth = auth;
        this.cookies = new ConsoleCookies(baseUrl);
        this.guard = new SessionGuard(auth);
        this.login = new LoginScreen(auth, guard, cookies, organizations, sso);
        this.home = new HomeScreen();
        this.accounts = new AccountsScreen(accountService, actors);
        this.groups = new GroupsScreen(groupService, actors);
        this.provisioning = new ProvisioningScreen(organizations, tokens, baseUrl, log, cookies);
        this.setup = new SetupScreen(provisioning);
        this.settings = new SettingsScreen(organizations, safeguard);
        this.password = new PasswordScreen(auth);
        this.operator = new OperatorScreen(auth, organizations);
        this.provisioningLog = new ProvisioningLogScreen(log, tokens);
        this.saml = new SamlScreen(samlSettings, sso, accountService, baseUrl);
        this.apps = new AppsScreen(apps);
        this.safeguard = new SafeguardScreen(safeguard, actors);
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
        safeguard.register(routes);
    }

    /**
     * The console half of "console admins by SAML" ({@link SsoRoutes.ConsoleSignIn}): the IdP
     * vouched for {@code email}; if it is an admin of the organization, a console session starts.
     */
    public Optional<String> signInBySaml(Context ctx, Organization org, String email) {
        Optional<String> cookie = auth.signInBySaml(org.id(), email, ctx.ip(), Optional.ofNullable(ctx.userAgent()).orElse(""));
        if (cookie.isEmpty()) return Optional.empty();
        auth.signOut(ctx.cookie(ConsoleCookies.SESSION));
        cookies.set(ctx, ConsoleCookies.SESSION, cookie.get());
        return Optional.of(PREFIX);
    }

    /** Whether a path belongs to the console (its errors are pages, not JSON). */
    public static boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** A console error as a page; {@code http/Errors} calls this for every path under /console. */
    public static void error(Context ctx, int status, String detail) {
        Views.render(ctx, status, "console/error.jte", ErrorPage.forStatus(status, detail));
    }

    private void logout(Context ctx, Optional<ConsoleSession> session) {
        if (session.isPresent()) auth.signOut(ctx.cookie(ConsoleCookies.SESSION));
        cookies.clear(ctx, ConsoleCookies.SESSION);
        ctx.redirect(PREFIX + "/login", HttpStatus.SEE_OTHER);
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
