package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;

import java.util.Optional;

/** GET /console: the landing page after sign-in; without a session, the way to the sign-in form. */
final class HomeScreen {
    private final SessionGuard guard;

    HomeScreen(SessionGuard guard) {
        this.guard = guard;
    }

    void show(Context ctx) {
        Optional<ConsoleSession> session = guard.signedIn(ctx);
        if (session.isEmpty()) return;
        Views.render(ctx, 200, "console/home.jte", new HomePage(session.get()));
    }
}
