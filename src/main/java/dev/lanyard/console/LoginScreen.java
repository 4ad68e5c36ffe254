package dev.lanyard.console;

import dev.lanyard.orgadmin.AdminUser;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.sso.Refusal;
import dev.lanyard.sso.SpValues;
import dev.lanyard.sso.SsoService;
import dev.lanyard.orgadmin.LoginThrottle;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GET and POST /console/login, and /console/login/operator for the operator; {@link ConsoleRouter#signInForm}
 * checks each POST's double-submit CSRF token first. Wrong organization, email or password all get the same message,
 * so the form never tells who is an admin where; after too many failures it says so and how
 * long to wait. Works without JavaScript: a plain form, re-rendered with its messages.
 */
final class LoginScreen {
    static final String WRONG = "Email or password is wrong for this organization.";

    private final ConsoleAuth auth;
    private final SessionGuard guard;
    private final ConsoleCookies cookies;

    private final OrganizationService organizations;
    private final SsoService sso;

    LoginScreen(ConsoleAuth auth, SessionGuard guard, ConsoleCookies cookies, OrganizationService organizations, SsoService sso) {
        this.auth = auth;
        this.guard = guard;
        this.cookies = cookies;
        this.organizations = organizations;
        this.sso = sso;
    }

    static final String OPERATOR_PATH = ConsoleRoutes.PREFIX + "/login/operator";
    static final String WRONG_OPERATOR = "This is not the operator credential of this installation.";

    void register(ConsoleRouter routes) {
        routes.publicGet(ConsoleRoutes.PREFIX + "/login", ctx -> show(ctx, "console/login.jte",
                (token, next) -> new LoginPage("", "", Map.of(), token, next, notice(ctx))));
        routes.signInForm(ConsoleRoutes.PREFIX + "/login", this::submit);
        routes.publicGet(OPERATOR_PATH, ctx -> show(ctx, "console/login_operator.jte", OperatorLoginPage::empty));
        routes.signInForm(OPERATOR_PATH, this::submitOperator);
        routes.publicGet(SAML_PATH, this::samlSignIn);
        routes.get(SAML_CONTINUE_PATH, Access.CONSOLE_ORGANIZATION, this::continueAfterSaml);
    }

    static final String SAML_PATH = ConsoleRoutes.PREFIX + "/login/saml";

    /**
     * "Sign in with your identity provider": sends the browser to the organization's IdP when the
     * organization lets its console admins sign in by SAML. Writes nothing (the request id is in
     * the signed RelayState); the ACS comes back through {@link ConsoleRoutes#signInBySaml}.
     */
    private void samlSignIn(Context ctx) {
        String org = Optional.ofNullable(ctx.queryParam("org")).map(String::strip).orElse("");
        Optional<Organization> found = org.isEmpty() || org.length() > 200 ? Optional.empty() : organizations.find(org);
        if (found.isEmpty()) {
            ConsoleRoutes.error(ctx, 404, "There is no organization \"" + org + "\". Enter its name or id as your operator gave it to you.");
            return;
        }
        try {
            SsoService.Started started = sso.startConsoleSignIn(found.get().id(), SpValues.of(cookies.baseUrl().of(ctx), found.get().id()));
            Optional<String> next = ReturnTo.requested(ctx);
            if (next.isPresent()) {
                cookies.setForPath(ctx, SAML_NEXT, bind(started.requestId(), next.get()), SAML_PATH, SAML_NEXT_SECONDS, SameSite.LAX);
            } else if (ctx.cookie(SAML_NEXT) != null) {
                cookies.setForPath(ctx, SAML_NEXT, "", SAML_PATH, 0, SameSite.LAX);
            }
            ctx.redirect(started.url(), HttpStatus.SEE_OTHER);
        } catch (Refusal r) {
            ConsoleRoutes.error(ctx, 409, "Signing in through your identity provider is not available for " + found.get().name()
                    + ": " + r.detail() + ". Sign in with your email and password.");
        }
    }

    static final String SAML_CONTINUE_PATH = SAML_PATH + "/continue";
    /**
     * The deep link of a SAML sign-in, between the start and the return: set on the start's path
     * only (the continue step is under it), HttpOnly, SameSite=Lax (the way back is a top-level
     * navigation that a cross-site form post began; Strict would not be sent), as long as the
     * AuthnRequest lives, and bound to that request's id. Nothing is written on the server for an
     * anonymous request; the value is checked again as a console path when it comes back.
     */
    static final String SAML_NEXT = "lanyard_saml_next";
    static final int SAML_NEXT_SECONDS = 15 * 60;

    /** Where the ACS sends a console admin it signed in: the continue step, naming the request the Response answered. */
    static String samlContinue(String requestId) {
        return SAML_CONTINUE_PATH + "?request=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8);
    }

    /** {request id}.{next, base64url}: the request id is XML's ID (no '.' is needed to split, the last one is ours). */
    static String bind(String requestId, String next) {
        return requestId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(next.getBytes(StandardCharsets.US_ASCII));
    }

    /** The deep link bound to {@code requestId}, if the cookie holds one for that request and it is still a console page. */
    static Optional<String> unbind(String cookie, String requestId) {
        if (cookie == null || requestId == null || cookie.length() > 4 * ReturnTo.MAX_LENGTH) return Optional.empty();
        int dot = cookie.lastIndexOf('.');
        if (dot < 0 || !cookie.substring(0, dot).equals(requestId)) return Optional.empty();
        try {
            return ReturnTo.parse(new String(Base64.getUrlDecoder().decode(cookie.substring(dot + 1)), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * After the ACS signed the admin in: the page asked for before sign-in, when the cookie holds
     * one for the request that was just answered, else Home. The cookie is used once.
     */
    private void continueAfterSaml(Context ctx, ConsoleSession s) {
        String bound = ctx.cookie(SAML_NEXT);
        if (bound != null) cookies.setForPath(ctx, SAML_NEXT, "", SAML_PATH, 0, SameSite.LAX);
        ctx.redirect(unbind(bound, ctx.queryParam("request")).orElse(ConsoleRoutes.PREFIX), HttpStatus.SEE_OTHER);
    }

    static final String SIGNED_OUT = "You have signed out.";
    static final String EXPIRED = "Your session expired (after an hour without use, or 12 hours after signing in). Sign in again.";
    static final String PASSWORD_CHANGED = "You were signed out because your password was changed in another browser. "
            + "Sign in with the new password.";
    static final String PASSWORD_RESET = "You were signed out because the operator reset your password. "
            + "Sign in with the one-time password they give you.";

    /**
     * Why the form is shown: the admin signed out (sign-out sends them here with {@code ?signed-out}),
     * or the browser still holds a session cookie that opens nothing any more, and why.
     */
    private Optional<String> notice(Context ctx) {
        String stale = ctx.cookie(ConsoleCookies.SESSION);
        if (stale != null && !stale.isEmpty()) {
            cookies.clear(ctx, ConsoleCookies.SESSION);  // the session is gone: say why once, then forget the cookie
            return Optional.of(switch (auth.whyEnded(stale)) {
                case PASSWORD_CHANGED -> PASSWORD_CHANGED;
                case PASSWORD_RESET -> PASSWORD_RESET;
                case EXPIRED -> EXPIRED;
            });
        }
        if (ctx.queryParam("signed-out") != null) return Optional.of(SIGNED_OUT);
        return Optional.empty();
    }

    private void show(Context ctx, String template, java.util.function.BiFunction<String, String, Object> emptyPage) {
        Optional<String> next = ReturnTo.requested(ctx);
        if (guard.current(ctx).isPresent()) {
            ctx.redirect(next.orElse(ConsoleRoutes.PREFIX), HttpStatus.SEE_OTHER);
            return;
        }
        // Keep the token the browser already has, so two open sign-in tabs both work.
        String token = Optional.ofNullable(ctx.cookie(ConsoleCookies.LOGIN_CSRF)).filter(Csrf::wellFormed)
                .orElseGet(Csrf::newToken);
        cookies.set(ctx, ConsoleCookies.LOGIN_CSRF, token);
        Views.render(ctx, 200, template, emptyPage.apply(token, next.orElse("")));
    }

    /** The operator's sign-in: the credential from the data folder, as the CLI reads it. */
    private void submitOperator(Context ctx, String token) {
        String secret = field(ctx, OperatorLoginPage.CREDENTIAL);
        if (secret.isEmpty()) {
            Views.render(ctx, 400, "console/login_operator.jte", new OperatorLoginPage(
                    Map.of(OperatorLoginPage.CREDENTIAL, "Paste the operator credential."), token, next(ctx)));
            return;
        }
        switch (auth.signInOperator(secret, ctx.ip())) {
            case ConsoleAuth.Outcome.SignedIn in -> signedIn(ctx, in);
            case ConsoleAuth.Outcome.Refused refused -> Views.render(ctx, 401, "console/login_operator.jte",
                    new OperatorLoginPage(Map.of(OperatorLoginPage.CREDENTIAL, refused.lockedOut()
                            ? WRONG_OPERATOR + " " + lockedOutMessage(LoginThrottle.LOCKOUT) : WRONG_OPERATOR), token, next(ctx)));
            case ConsoleAuth.Outcome.LockedOut locked -> Views.render(ctx, 429, "console/login_operator.jte",
                    new OperatorLoginPage(Map.of(OperatorLoginPage.CREDENTIAL,
                            lockedOutMessage(Duration.between(Instant.now(), locked.until()))), token, next(ctx)));
        }
    }

    private static String next(Context ctx) {
        return ReturnTo.requested(ctx).orElse("");
    }

    private void signedIn(Context ctx, ConsoleAuth.Outcome.SignedIn in) {
        // A session the browser already had (another admin, another organization) ends here.
        auth.signOut(ctx.cookie(ConsoleCookies.SESSION));
        cookies.set(ctx, ConsoleCookies.SESSION, in.cookie());
        cookies.clear(ctx, ConsoleCookies.LOGIN_CSRF);
        // Back to the page that sent the browser here (checked again: the form's field is the client's).
        ctx.redirect(ReturnTo.requested(ctx).orElse(ConsoleRoutes.PREFIX), HttpStatus.SEE_OTHER);
    }

    private void submit(Context ctx, String token) {
        String org = field(ctx, LoginPage.ORG);
        String email = field(ctx, LoginPage.EMAIL);
        String password = Optional.ofNullable(ctx.formParam(LoginPage.PASSWORD)).orElse("");  // spaces may belong to it

        Map<String, String> errors = new LinkedHashMap<>();
        if (org.isEmpty()) errors.put(LoginPage.ORG, "Enter your organization's name or id.");
        if (email.isEmpty()) errors.put(LoginPage.EMAIL, "Enter your email address.");
        else if (!AdminUser.isEmail(email)) errors.put(LoginPage.EMAIL, "Enter an email address, like ann@example.com.");
        if (password.isEmpty()) errors.put(LoginPage.PASSWORD, "Enter your password.");
        if (!errors.isEmpty()) {
            Views.render(ctx, 400, "console/login.jte", new LoginPage(org, email, errors, token, next(ctx), Optional.empty()));
            return;
        }

        switch (auth.signIn(org, email, password, ctx.ip(), Optional.ofNullable(ctx.userAgent()).orElse(""))) {
            case ConsoleAuth.Outcome.SignedIn in -> signedIn(ctx, in);
            case ConsoleAuth.Outcome.Refused refused -> Views.render(ctx, 401, "console/login.jte",
                    new LoginPage(org, email, Map.of(LoginPage.PASSWORD,
                            refused.lockedOut() ? WRONG + " " + lockedOutMessage(LoginThrottle.LOCKOUT) : WRONG), token,
                            next(ctx), Optional.empty()));
            case ConsoleAuth.Outcome.LockedOut locked -> Views.render(ctx, 429, "console/login.jte",
                    new LoginPage(org, email, Map.of(LoginPage.PASSWORD,
                            lockedOutMessage(Duration.between(Instant.now(), locked.until()))), token, next(ctx), Optional.empty()));
        }
    }

    static String lockedOutMessage(Duration wait) {
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        return "Too many failed sign-in attempts for this email address: sign-in is paused for it. "
                + "Try again in " + minutes + (minutes == 1 ? " minute." : " minutes.");
    }

    private static String field(Context ctx, String name) {
        String value = ctx.formParam(name);
        return value == null ? "" : value.strip();
    }
}
