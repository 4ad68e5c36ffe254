package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;

/** GET /console: the landing page after sign-in; without a session, the way to the sign-in form. */
final class HomeScreen {
    private final dev.lanyard.webhook.WebhookService webhooks;

    HomeScreen(dev.lanyard.webhook.WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    void register(ConsoleRouter routes) {
        routes.get(ConsoleRoutes.PREFIX, Access.CONSOLE_ORGANIZATION, this::show);
    }

    private void show(Context ctx, ConsoleSession session) {
        Views.render(ctx, 200, "console/home.jte", new HomePage(session, webhooks.paused(session.orgId())));
    }
}
