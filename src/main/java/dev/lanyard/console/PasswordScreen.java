package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.orgadmin.LoginThrottle;
import dev.lanyard.orgadmin.Passwords;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GET and POST /console/password: an admin changes their own password. An admin who signed in
 * with the operator's one-time password lands here before any other page opens. The operator has
 * no password here (they sign in with the operator credential): 404.
 */
final class PasswordScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/password";
    private static final String TEMPLATE = "console/password.jte";

    private final ConsoleAuth auth;
    private final SessionGuard guard;

    PasswordScreen(ConsoleAuth auth, SessionGuard guard) {
        this.auth = auth;
        this.guard = guard;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(PATH, this::submit);
    }

    private void show(Context ctx) {
        Optional<ConsoleSession> s = admin(ctx);
        if (s.isEmpty()) return;
        Optional<String> notice = s.get().mustChangePassword()
                ? Optional.of("Choose your own password: the one you were given was for this first sign-in only.")
                : Optional.ofNullable(ctx.queryParam("done")).map(d -> "Your password was changed.");
        Views.render(ctx, 200, TEMPLATE, new PasswordPage(s.get(), Map.of(), notice));
    }

    private void submit(Context ctx) {
        Optional<ConsoleSession> s = admin(ctx);
        if (s.isEmpty()) return;
        SessionGuard.checkCsrf(ctx, s.get());
        // Passwords are taken as typed: leading or trailing spaces may belong to them.
        String current = Optional.ofNullable(ctx.formParam(PasswordPage.CURRENT)).orElse("");
        String next = Optional.ofNullable(ctx.formParam(PasswordPage.NEW)).orElse("");
        String confirm = Optional.ofNullable(ctx.formParam(PasswordPage.CONFIRM)).orElse("");

        Map<String, String> errors = new LinkedHashMap<>();
        if (current.isEmpty()) errors.put(PasswordPage.CURRENT, "Enter your current password.");
        if (next.codePointCount(0, next.length()) < PasswordPage.MIN_LENGTH) {
            errors.put(PasswordPage.NEW, "Use at least " + PasswordPage.MIN_LENGTH + " characters.");
        } else if (next.getBytes(StandardCharsets.UTF_8).length > Passwords.MAX_BYTES) {
            errors.put(PasswordPage.NEW, "Use at most " + Passwords.MAX_BYTES + " bytes (about " + Passwords.MAX_BYTES
                    + " letters without accents).");
        } else if (next.equals(current)) {
            errors.put(PasswordPage.NEW, "Choose a password other than your current one.");
        } else if (next.strip().equalsIgnoreCase(s.get().email())) {
            errors.put(PasswordPage.NEW, "Your email address is not a password: choose something else.");
        } else if (!next.equals(confirm)) {
            errors.put(PasswordPage.CONFIRM, "This is not the same as the new password above.");
        }
        if (!errors.isEmpty()) {
            Views.render(ctx, 400, TEMPLATE, new PasswordPage(s.get(), errors, Optional.empty()));
            return;
        }
        switch (auth.changePassword(s.get(), ctx.cookie(ConsoleCookies.SESSION), current, next)) {
            case ConsoleAuth.Change.Changed changed -> ctx.redirect(PATH + "?done=1", HttpStatus.SEE_OTHER);
            case ConsoleAuth.Change.WrongCurrent wrong -> Views.render(ctx, 400, TEMPLATE, new PasswordPage(s.get(),
                    Map.of(PasswordPage.CURRENT, wrong.lockedOut()
                            ? "This is not your current password. " + LoginScreen.lockedOutMessage(LoginThrottle.LOCKOUT)
                            : "This is not your current password."), Optional.empty()));
            case ConsoleAuth.Change.LockedOut locked -> Views.render(ctx, 429, TEMPLATE, new PasswordPage(s.get(),
                    Map.of(PasswordPage.CURRENT, LoginScreen.lockedOutMessage(Duration.between(Instant.now(), locked.until()))),
                    Optional.empty()));
        }
    }

    /** A signed-in admin, even one who must change their password first; not the operator. */
    private Optional<ConsoleSession> admin(Context ctx) {
        Optional<ConsoleSession> s = guard.current(ctx);
        if (s.isEmpty()) {
            ctx.redirect(ConsoleRoutes.PREFIX + "/login", HttpStatus.SEE_OTHER);
        } else if (s.get().operator()) {
            throw new NotFoundResponse("The operator signs in with the operator credential and has no console password.");
        }
        return s;
    }
}
