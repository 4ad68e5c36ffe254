package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.organization.UsernameChangePolicy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.util.Optional;

/**
 * Settings: one card per setting, each with its own form, so a section can be added without
 * touching the others.
 *
 * <pre>
 * GET  /console/settings                   every setting, with a message after a save
 * POST /console/settings/username-policy   saves the username change policy (CSRF), 303 back
 * </pre>
 *
 * Acts on the session's organization only: nothing in the form names an organization.
 */
final class SettingsScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/settings";
    static final String USERNAME_POLICY = PATH + "/username-policy";

    private final SessionGuard guard;
    private final OrganizationService organizations;

    SettingsScreen(SessionGuard guard, OrganizationService organizations) {
        this.guard = guard;
        this.organizations = organizations;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(USERNAME_POLICY, this::saveUsernamePolicy);
    }

    private void show(Context ctx) {
        Optional<ConsoleSession> s = guard.signedIn(ctx);
        if (s.isEmpty()) return;
        UsernameChangePolicy policy = organizations.findById(s.get().orgId())
                .orElseThrow(NotFoundResponse::new).usernameChangePolicy();
        Optional<String> notice = "saved".equals(ctx.queryParam("done")) ? Optional.of("Settings saved.") : Optional.empty();
        Views.render(ctx, 200, "console/settings.jte", new SettingsPage(s.get(), policy, notice));
    }

    private void saveUsernamePolicy(Context ctx) {
        Optional<ConsoleSession> s = guard.signedIn(ctx);
        if (s.isEmpty()) return;
        SessionGuard.checkCsrf(ctx, s.get());
        // Only a crafted form lacks one of the two values: 400 with the choices, nothing saved.
        UsernameChangePolicy policy = UsernameChangePolicy.parse(ctx.formParam("policy"));
        organizations.setUsernameChangePolicy(s.get().orgId().toString(), policy);
        ctx.redirect(PATH + "?done=saved", HttpStatus.SEE_OTHER);
    }
}
