package dev.lanyard.sso;

import dev.lanyard.http.Access;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;

import java.util.Optional;

/**
 * Members' SAML sign-in and their page. Anyone may call these (that is what a sign-in is); the
 * Response's signature is what authenticates.
 *
 * <pre>
 * GET  /sso/{org}/login     SP-initiated: 302 to the IdP with an AuthnRequest (HTTP-Redirect binding)
 * POST /sso/{org}/acs       the Assertion Consumer Service (HTTP-POST binding): SP- and IdP-initiated
 * GET  /sso/{org}/metadata  the SP metadata XML (entity ID, ACS URL, NameID format) for the IdP
 * GET  /me                  the signed-in member: who, which organization, account status
 * POST /me/logout           ends the member session (local only; no SAML single logout)
 * </pre>
 */
public final class SsoRoutes {
    public static final String PREFIX = "/sso";
    public static final String ME = "/me";
    /** The member session cookie (also read by the OpenID provider, through App, to find who is signed in). */
    /** The login URL's parameter asking the IdP to authenticate the person again (SAML ForceAuthn). */
    public static final String FORCE = "force";
    public static final String COOKIE = "lanyard_member";
    private static final TemplateEngine VIEWS = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    /**
     * Signs a console admin in once the IdP vouched for their email (console admins by SAML);
     * implemented by the console, which owns admin sessions. Returns the console URL to go to,
     * having set the console's cookie, or empty when no admin of the organization has that email.
     * {@code requestId} is the AuthnRequest the Response answered (the console bound the page to
     * return to, the deep link, to it when the sign-in started).
     */
    @FunctionalInterface
    public interface ConsoleSignIn {
        Optional<String> signIn(Context ctx, Organization org, String email, String requestId);
    }

    private final SsoService sso;
    private final OrganizationService organizations;
    private final BaseUrl baseUrl;
    private final ConsoleSignIn consoleSignIn;

    public SsoRoutes(SsoService sso, OrganizationService organizations, BaseUrl baseUrl, ConsoleSignIn consoleSignIn) {
        this.sso = sso;
        this.organizations = organizations;
        this.baseUrl = baseUrl;
        this.consoleSignIn = consoleSignIn;
    }

    public void register(RoutesConfig routes) {
        routes.before(PREFIX + "/*", SsoRoutes::headers);
        routes.before(ME, SsoRoutes::headers);
        routes.before(ME + "/*", SsoRoutes::headers);
        // Public by nature: a member signs in here (the IdP posts to the ACS), and /me answers
        // with or without a member session.
        routes.get(PREFIX + "/{org}/login", this::login, Access.PUBLIC);
        routes.post(PREFIX + "/{org}/acs", this::acs, Access.PUBLIC);
        routes.get(PREFIX + "/{org}/metadata", this::metadata, Access.PUBLIC);
        routes.get(ME, this::me, Access.PUBLIC);
        routes.post(ME + "/logout", this::logout, Access.PUBLIC);
    }

    /** Whether a path is one of these pages (errors render as pages here). */
    public static boolean owns(String path) {
        return path.startsWith(PREFIX + "/") || path.equals(ME) || path.startsWith(ME + "/");
    }

    public static void error(Context ctx, int status, String detail) {
        render(ctx, status, "sso/message.jte", new MessagePage(status == 404 ? "Not found" : "Sign-in failed", detail, Optional.empty()));
    }

    public SpValues spValues(Context ctx, Organization org) {
        return SpValues.of(baseUrl.of(ctx), org.id());
    }

    private Optional<Organization> org(Context ctx) {
        String org = ctx.pathParam("org");
        return org.length() > 200 ? Optional.empty() : organizations.find(org);
    }

    private void login(Context ctx) {
        Optional<Organization> org = org(ctx);
        if (org.isEmpty()) {
            error(ctx, 404, "There is no organization \"" + ctx.pathParam("org") + "\".");
            return;
        }
        try {
            // ?for=app: an app's sign-in (OpenID Connect); the member then lands on its continuation, not /me.
            boolean forApp = "app".equals(ctx.queryParam("for"));
            // &force=true: the app asked for a fresh authentication (prompt=login, max_age): ForceAuthn.
            boolean force = forApp && "true".equals(ctx.queryParam(FORCE));
            SpValues sp = spValues(ctx, org.get());
            ctx.redirect(forApp ? sso.startForApp(org.get().id(), sp, force) : sso.startMember(org.get().id(), sp), HttpStatus.FOUND);
        } catch (Refusal r) {
            render(ctx, 409, "sso/message.jte", new MessagePage("Single sign-on is not available", r.detail() + ". Ask your administrator.", Optional.empty()));
        }
    }

    private void acs(Context ctx) {
        Optional<Organization> org = org(ctx);
        if (org.isEmpty()) {
            error(ctx, 404, "There is no organization \"" + ctx.pathParam("org") + "\".");
            return;
        }
        SsoService.Outcome outcome = sso.acs(org.get().id(), spValues(ctx, org.get()), ctx.formParam("SAMLResponse"), ctx.formParam("RelayState"));
        switch (outcome) {
            case SsoService.Outcome.MemberSignedIn m -> {
                ctx.cookie(cookie(ctx, m.cookie(), -1));
                ctx.redirect(m.landing(), HttpStatus.SEE_OTHER);
            }
            case SsoService.Outcome.Tested t -> ctx.redirect("/console/saml/test/" + t.logId(), HttpStatus.SEE_OTHER);
            case SsoService.Outcome.ConsoleAdmin a -> {
                Optional<String> next = consoleSignIn.signIn(ctx, org.get(), a.email(), a.requestId());
                if (next.isPresent()) ctx.redirect(next.get(), HttpStatus.SEE_OTHER);
                else render(ctx, 403, "sso/message.jte", new MessagePage("Not a console admin",
                        "The identity provider signed you in as " + a.email() + ", but no console admin of " + org.get().name()
                                + " has that email.", Optional.empty()));
            }
            case SsoService.Outcome.Refused r when r.test() -> ctx.redirect("/console/saml/test/" + r.logId(), HttpStatus.SEE_OTHER);
            case SsoService.Outcome.Refused r -> refused(ctx, r.refusal());
        }
    }

    private static void refused(Context ctx, Refusal r) {
        String title = switch (r.reason()) {
            case UNKNOWN_ACCOUNT -> "Your account has not been provisioned yet";
            case ACCOUNT_INACTIVE -> "Your account may not sign in";
            case NOT_A_CONSOLE_ADMIN -> "Not a console admin";
            default -> "Sign-in failed";
        };
        String message = switch (r.reason()) {
            case UNKNOWN_ACCOUNT -> "Your identity provider signed you in, but your organization has not provisioned an account "
                    + "for you in Lanyard yet. Ask your administrator to assign you to the application.";
            case ACCOUNT_INACTIVE -> "Your account is deactivated. Ask your administrator.";
            case NOT_A_CONSOLE_ADMIN -> "Your identity provider signed you in, but " + r.detail().replaceFirst("^the IdP signed in [^,]*, but ", "")
                    + ". Sign in with the console admin's own account at the identity provider, or with the admin's email and password.";
            default -> "Lanyard could not accept the answer of your identity provider: " + r.detail()
                    + ". Your administrator finds this attempt in the sign-in log.";
        };
        render(ctx, 403, "sso/message.jte", new MessagePage(title, message, Optional.empty()));
    }

    private void metadata(Context ctx) {
        Optional<Organization> org = org(ctx);
        if (org.isEmpty()) {
            error(ctx, 404, "There is no organization \"" + ctx.pathParam("org") + "\".");
            return;
        }
        ctx.header("Content-Disposition", "attachment; filename=\"lanyard-" + org.get().id() + "-sp-metadata.xml\"");
        ctx.contentType("application/samlmetadata+xml").result(sso.spMetadata(org.get().id(), spValues(ctx, org.get())));
    }

    private void me(Context ctx) {
        switch (sso.session(ctx.cookie(COOKIE))) {
            case SsoService.SessionState.Live live -> {
                Organization org = organizations.findById(live.member().orgId()).orElseThrow();
                render(ctx, 200, "sso/me.jte", new MePage(live.member().account().email(), live.member().account().displayName(),
                        org.name(), org.id().toString(), live.member().account().status().dbValue(), live.member().sessionExpiresAt().toString()));
            }
            case SsoService.SessionState.Ended ended -> {
                ctx.cookie(cookie(ctx, "", 0));
                render(ctx, 403, "sso/message.jte", new MessagePage("Your session has ended",
                        "Your account " + ended.account().email() + " is " + ended.account().status().dbValue()
                                + " and may no longer sign in. Ask your administrator.", Optional.empty()));
            }
            case SsoService.SessionState.None none -> render(ctx, 401, "sso/message.jte", new MessagePage("You are not signed in",
                    "Sign in through your organization's identity provider (its app tile, or the sign-in link your administrator gave you).",
                    Optional.empty()));
        }
    }

    private void logout(Context ctx) {
        sso.signOut(ctx.cookie(COOKIE));
        ctx.cookie(cookie(ctx, "", 0));
        render(ctx, 200, "sso/message.jte", new MessagePage("Signed out", "You are signed out of Lanyard. "
                + "Your identity provider may still have you signed in.", Optional.empty()));
    }

    /** HttpOnly, SameSite=Lax (set by the ACS's answer, sent on the top-level GET that follows), Secure over https. */
    private Cookie cookie(Context ctx, String value, int maxAge) {
        boolean secure = baseUrl.of(ctx).startsWith("https:");
        return new Cookie(COOKIE, value, "/", maxAge, secure, true, null, SameSite.LAX);
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
    }

    static void render(Context ctx, int status, String template, Object page) {
        StringOutput out = new StringOutput();
        VIEWS.render(template, page, out);
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    /** A page with a title and a message. */
    public record MessagePage(String title, String message, Optional<String> link) {}

    /** The member's page. */
    public record MePage(String email, Optional<String> displayName, String orgName, String orgId, String status, String sessionExpiresAt) {}
}
