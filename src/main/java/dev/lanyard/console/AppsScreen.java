package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.Optional;

/**
 * Apps: the apps the organization's members can sign in to through Lanyard (OpenID Connect,
 * docs/oidc.md), as the operator offered them, and a switch per app to turn it off for this
 * organization (its members get no new sign-in and their tokens for it stop working).
 *
 * <pre>
 * GET  /console/apps             the list
 * POST /console/apps/{app}       enabled=on|off (CSRF), 303 back
 * </pre>
 */
final class AppsScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/apps";

    private final ClientService apps;

    AppsScreen(ClientService apps) {
        this.apps = apps;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::show);
        routes.post(PATH + "/{app}", Access.CONSOLE_ORGANIZATION, this::set);
    }

    private void show(Context ctx, ConsoleSession s) {
        Optional<String> notice = Optional.ofNullable(ctx.queryParam("done")).map(d -> d.equals("off")
                ? "The app is turned off for your organization." : "The app is turned on for your organization.");
        Views.render(ctx, 200, "console/apps.jte", new AppsPage(s, apps.forOrganization(s.orgId()).stream()
                .map(a -> new AppsPage.Row(a.client().clientId(), a.client().name(), !a.turnedOff())).toList(), notice));
    }

    private void set(Context ctx, ConsoleSession s) {
        String enabled = ctx.formParam("enabled");
        if (!"on".equals(enabled) && !"off".equals(enabled)) throw new dev.lanyard.domain.DomainException.Invalid("enabled must be on or off");
        apps.setTurnedOff(s.orgId(), ctx.pathParam("app"), enabled.equals("off"), s.actor().text());
        ctx.redirect(PATH + "?done=" + enabled, HttpStatus.SEE_OTHER);
    }
}
