package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.http.AccessLog;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.util.Optional;

/**
 * Who is signed in on a request, and the checks behind each console {@link Access} rule;
 * {@link ConsoleRouter} runs them for every route, so no handler checks a session by hand.
 */
final class SessionGuard {
    static final String FORGED = "This form did not come from this console, or it has expired. "
            + "Go back, reload the page and try again.";

    private final ConsoleAuth auth;

    SessionGuard(ConsoleAuth auth) {
        this.auth = auth;
    }

    /** Whoever holds the request's session cookie, in whatever state. */
    Optional<ConsoleSession> current(Context ctx) {
        Optional<ConsoleSession> session = auth.findSession(ctx.cookie(ConsoleCookies.SESSION));
        session.filter(ConsoleSession::hasOrganization)
                .ifPresent(s -> ctx.attribute(AccessLog.ORG_ATTRIBUTE, s.orgId().toString()));
        return session;
    }

    /**
     * A session ready for an organization's pages. Otherwise answers with a redirect to where the
     * browser must go first (sign in; choose your own password; the operator: open an
     * organization) and returns empty.
     */
    private Optional<ConsoleSession> signedIn(Context ctx) {
        Optional<ConsoleSession> s = current(ctx);
        if (s.isEmpty()) {
            toSignIn(ctx);
        } else if (s.get().mustChangePassword()) {
            ctx.redirect(ReturnTo.append(PasswordScreen.PATH, deepLink(ctx)), HttpStatus.SEE_OTHER);
            return Optional.empty();
        } else if (!s.get().hasOrganization()) {
            ctx.redirect(OperatorScreen.ORGS, HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        return s;
    }

    /** The session {@code access} admits; otherwise answers (303 or 404) and returns empty. */
    Optional<ConsoleSession> admit(Context ctx, Access access) {
        return switch (access) {
            case CONSOLE_ORGANIZATION -> signedIn(ctx);
            case CONSOLE_ADMIN -> admin(ctx);
            case CONSOLE_OPERATOR -> operator(ctx);
            case PUBLIC, SCIM_TOKEN, OPERATOR, APP -> throw new IllegalArgumentException(access + " is not a console session rule");
        };
    }

    /** A signed-in admin, even one who must change their password first; not the operator (404). */
    private Optional<ConsoleSession> admin(Context ctx) {
        Optional<ConsoleSession> s = current(ctx);
        if (s.isEmpty()) {
            toSignIn(ctx);
        } else if (s.get().operator()) {
            throw new NotFoundResponse("The operator signs in with the operator credential and has no console password.");
        }
        return s;
    }

    /** The operator's session; an admin has no such page (404), nobody signed in goes to sign in. */
    private Optional<ConsoleSession> operator(Context ctx) {
        Optional<ConsoleSession> s = current(ctx);
        if (s.isEmpty()) {
            toSignIn(ctx);
        } else if (!s.get().operator()) {
            throw new NotFoundResponse();
        }
        return s;
    }

    /**
     * To the sign-in form, taking the page asked for along ({@link ReturnTo}) when it was a GET of
     * a page other than Home: after sign-in the browser comes back to it.
     */
    private static void toSignIn(Context ctx) {
        ctx.redirect(ReturnTo.append(ConsoleRoutes.PREFIX + "/login", deepLink(ctx)), HttpStatus.SEE_OTHER);
    }

    private static Optional<String> deepLink(Context ctx) {
        if (ctx.method() != io.javalin.http.HandlerType.GET) return Optional.empty();
        return ReturnTo.of(ctx).filter(next -> !next.equals(ConsoleRoutes.PREFIX));
    }

    /** 403 unless the form sent back this session's token. */
    static void checkCsrf(Context ctx, ConsoleSession session) {
        if (!Csrf.matches(session.csrfToken(), ctx.formParam(Csrf.FIELD))) throw new ForbiddenResponse(FORGED);
    }
}
