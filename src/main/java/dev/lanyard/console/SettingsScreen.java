package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.organization.UsernameChangePolicy;
import dev.lanyard.safeguard.SafeguardService;
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
 * POST /console/settings/safeguard         the mass-deprovisioning safeguard ({@link SafeguardScreen})
 * </pre>
 *
 * Acts on the session's organization only: nothing in the form names an organization.
 */
final class SettingsScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/settings";
    static final String USERNAME_POLICY = PATH + "/username-policy";

    private final OrganizationService organizations;
    private final SafeguardService safeguard;

    SettingsScreen(OrganizationService organizations, SafeguardService safeguard) {
        this.organizations = organizations;
        this.safeguard = safeguard;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::show);
        routes.post(USERNAME_POLICY, Access.CONSOLE_ORGANIZATION, this::saveUsernamePolicy);
    }

    private void show(Context ctx, ConsoleSession s) {
        UsernameChangePolicy policy = organizations.findById(s.orgId())
                .orElseThrow(NotFoundResponse::new).usernameChangePolicy();
        Optional<String> notice = "saved".equals(ctx.queryParam("done")) ? Optional.of("Settings saved.") : Optional.empty();
        Views.render(ctx, 200, "console/settings.jte", new SettingsPage(s, policy, notice, safeguard.state(s.orgId())));
    }

    private void saveUsernamePolicy(Context ctx, ConsoleSession s) {
        // Only a crafted form lacks one of the two values: 400 with the choices, nothing saved.
        UsernameChangePolicy policy = UsernameChangePolicy.parse(ctx.formParam("policy"));
        organizations.setUsernameChangePolicy(s.orgId().toString(), policy, s.actor());
        ctx.redirect(PATH + "?done=saved", HttpStatus.SEE_OTHER);
    }
}
