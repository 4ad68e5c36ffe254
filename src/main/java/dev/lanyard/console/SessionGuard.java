package dev.lanyard.console;

import dev.lanyard.http.AccessLog;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;

import java.util.Optional;

/** Who is signed in on a request, and the CSRF check every signed-in POST passes first. */
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
    Optional<ConsoleSession> signedIn(Context ctx) {
        Optional<ConsoleSession> s = current(ctx);
        if (s.isEmpty()) {
            ctx.redirect(ConsoleRoutes.PREFIX + "/login", HttpStatus.SEE_OTHER);
        } else if (s.get().mustChangePassword()) {
            ctx.redirect(PasswordScreen.PATH, HttpStatus.SEE_OTHER);
            return Optional.empty();
        } else if (!s.get().hasOrganization()) {
            ctx.redirect(OperatorScreen.ORGS, HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        return s;
    }

    /** 403 unless the form sent back this session's token. */
    static void checkCsrf(Context ctx, ConsoleSession session) {
        if (!Csrf.matches(session.csrfToken(), ctx.formParam(Csrf.FIELD))) throw new ForbiddenResponse(FORGED);
    }
}
