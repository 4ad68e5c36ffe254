package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.orgadmin.LoginThrottle;
import dev.lanyard.orgadmin.Passwords;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

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

    PasswordScreen(ConsoleAuth auth) {
        this.auth = auth;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ADMIN, this::show);
        routes.post(PATH, Access.CONSOLE_ADMIN, this::submit);
    }

    private void show(Context ctx, ConsoleSession s) {
        Optional<String> notice = s.mustChangePassword()
                ? Optional.of("Choose your own password: the one you were given was for this first sign-in only.")
                : Optional.ofNullable(ctx.queryParam("done")).map(d -> "Your password was changed.");
        Views.render(ctx, 200, TEMPLATE, new PasswordPage(s, Map.of(), notice, next(ctx)));
    }

    private static String next(Context ctx) {
        return ReturnTo.requested(ctx).orElse("");
    }

    private void submit(Context ctx, ConsoleSession s) {
        // Passwords are taken as typed: leading or trailing spaces may belong to them.
        String current = Optional.ofNullable(ctx.formParam(PasswordPage.CURRENT)).orElse("");
        String next = Optional.ofNullable(ctx.formParam(PasswordPage.NEW)).orElse("");
        String confirm = Optional.ofNullable(ctx.formParam(PasswordPage.CONFIRM)).orElse("");

        boolean first = s.mustChangePassword();
        Map<String, String> errors = new LinkedHashMap<>();
        if (current.isEmpty() && !first) errors.put(PasswordPage.CURRENT, "Enter your current password.");
        if (next.codePointCount(0, next.length()) < PasswordPage.MIN_LENGTH) {
            errors.put(PasswordPage.NEW, "Use at least " + PasswordPage.MIN_LENGTH + " characters.");
        } else if (next.getBytes(StandardCharsets.UTF_8).length > Passwords.MAX_BYTES) {
            errors.put(PasswordPage.NEW, "Use at most " + Passwords.MAX_BYTES + " bytes (about " + Passwords.MAX_BYTES
                    + " letters without accents).");
        } else if (next.equals(current)) {
            errors.put(PasswordPage.NEW, "Choose a password other than your current one.");
        } else if (next.strip().equalsIgnoreCase(s.email())) {
            errors.put(PasswordPage.NEW, "Your email address is not a password: choose something else.");
        } else if (!next.equals(confirm)) {
            errors.put(PasswordPage.CONFIRM, "This is not the same as the new password above.");
        }
        if (!errors.isEmpty()) {
            Views.render(ctx, 400, TEMPLATE, new PasswordPage(s, errors, Optional.empty(), next(ctx)));
            return;
        }
        if (first) {
            // The first sign-in: the one-time password was typed a moment ago on the sign-in form.
            // Then on to the page the admin was going to (a deep link), else Home, which says it worked.
            if (auth.replaceOneTimePassword(s, ctx.cookie(ConsoleCookies.SESSION), next)) {
                ctx.redirect(ReturnTo.requested(ctx).orElse(ConsoleRoutes.PREFIX + "?" + HomeScreen.PASSWORD_SET), HttpStatus.SEE_OTHER);
            } else {
                ctx.redirect(PATH, HttpStatus.SEE_OTHER);  // chosen meanwhile in another tab: the form now asks for it
            }
            return;
        }
        switch (auth.changePassword(s, ctx.cookie(ConsoleCookies.SESSION), current, next)) {
            case ConsoleAuth.Change.Changed changed -> ctx.redirect(PATH + "?done=1", HttpStatus.SEE_OTHER);
            case ConsoleAuth.Change.WrongCurrent wrong -> Views.render(ctx, 400, TEMPLATE, new PasswordPage(s,
                    Map.of(PasswordPage.CURRENT, wrong.lockedOut()
                            ? "This is not your current password. " + LoginScreen.lockedOutMessage(LoginThrottle.LOCKOUT)
                            : "This is not your current password."), Optional.empty()));
            case ConsoleAuth.Change.LockedOut locked -> Views.render(ctx, 429, TEMPLATE, new PasswordPage(s,
                    Map.of(PasswordPage.CURRENT, LoginScreen.lockedOutMessage(Duration.between(Instant.now(), locked.until()))),
                    Optional.empty()));
        }
    }
}
