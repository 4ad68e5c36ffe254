package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;

import java.util.Optional;

/**
 * The only way the console's screens register routes: each route names its {@link Access} rule
 * and this class runs the matching check before the screen's code, so a new page cannot forget
 * the session and a new form cannot forget its CSRF token (OWASP synchronizer token pattern).
 */
final class ConsoleRouter {
    /** A screen's handler, given the session its access rule let through. */
    @FunctionalInterface
    interface Page {
        void handle(Context ctx, ConsoleSession session) throws Exception;
    }

    /** Sign-out's handler, given the session if there is one. */
    @FunctionalInterface
    interface SignOut {
        void handle(Context ctx, Optional<ConsoleSession> session) throws Exception;
    }

    /** A sign-in form's handler, given the CSRF token that the double-submit check accepted. */
    @FunctionalInterface
    interface SignInForm {
        void handle(Context ctx, String csrfToken) throws Exception;
    }

    /** The request attribute holding the session a route admitted (its error page keeps the signed-in header). */
    static final String SESSION = "lanyard.console.session";

    private final RoutesConfig routes;
    private final SessionGuard guard;

    ConsoleRouter(RoutesConfig routes, SessionGuard guard) {
        this.routes = routes;
        this.guard = guard;
    }

    /** A page for whoever {@code access} admits; anybody else is sent on (303) or refused (404). */
    void get(String path, Access access, Page page) {
        routes.get(path, ctx -> {
            var session = guard.admit(ctx, access);
            if (session.isEmpty()) return;
            ctx.attribute(SESSION, session.get());
            page.handle(ctx, session.get());
        }, access);
    }

    /** A form: the same rule as {@link #get}, then the session's CSRF token must come back (else 403). */
    void post(String path, Access access, Page form) {
        routes.post(path, ctx -> {
            var session = guard.admit(ctx, access);
            if (session.isEmpty()) return;
            ctx.attribute(SESSION, session.get());
            SessionGuard.checkCsrf(ctx, session.get());
            form.handle(ctx, session.get());
        }, access);
    }

    /** A page anybody may open: the sign-in forms and static files. */
    void publicGet(String path, Handler handler) {
        routes.get(path, handler, Access.PUBLIC);
    }

    /**
     * A sign-in form. Before sign-in there is no session to hold a token, so the check is a
     * double submit: the form's token must equal the {@code lanyard_login_csrf} cookie's (else 403).
     */
    void signInForm(String path, SignInForm form) {
        routes.post(path, ctx -> {
            String token = ctx.cookie(ConsoleCookies.LOGIN_CSRF);
            if (!Csrf.matches(token, ctx.formParam(Csrf.FIELD))) throw new ForbiddenResponse(SessionGuard.FORGED);
            form.handle(ctx, token);
        }, Access.PUBLIC);
    }

    /**
     * Sign-out: anybody may ask (without a session there is nothing to end), but a session is
     * ended only by a form carrying its CSRF token, so another site cannot sign an admin out.
     */
    void signOut(String path, SignOut handler) {
        routes.post(path, ctx -> {
            var session = guard.current(ctx);
            if (session.isPresent()) SessionGuard.checkCsrf(ctx, session.get());
            handler.handle(ctx, session);
        }, Access.PUBLIC);
    }
}
