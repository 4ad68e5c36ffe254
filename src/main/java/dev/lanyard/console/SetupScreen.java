package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * Setup guides: what to paste where in Okta and in Microsoft Entra ID, mirroring the seed's
 * steps, with this organization's SCIM URL and provisioning status filled in.
 *
 * <pre>
 * GET /console/setup         the list of guides
 * GET /console/setup/okta    Okta
 * GET /console/setup/entra   Microsoft Entra ID
 * </pre>
 *
 * The token itself cannot be shown here (only its hash is kept); each guide carries a "Generate
 * token" form that posts to User provisioning; its one-time view shows the new secret and leads back here.
 */
final class SetupScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/setup";
    /** The guides, by the last segment of their path. */
    static final java.util.List<String> GUIDES = java.util.List.of("okta", "entra");

    static String idpName(String guide) {
        return guide.equals("okta") ? "Okta" : "Microsoft Entra ID";
    }

    private final SessionGuard guard;
    private final ProvisioningScreen provisioning;

    SetupScreen(SessionGuard guard, ProvisioningScreen provisioning) {
        this.guard = guard;
        this.provisioning = provisioning;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> show(ctx, "console/setup.jte"));
        routes.get(PATH + "/okta", ctx -> show(ctx, "console/setup_okta.jte"));
        routes.get(PATH + "/entra", ctx -> show(ctx, "console/setup_entra.jte"));
    }

    private void show(Context ctx, String template) {
        Optional<ConsoleSession> s = guard.signedIn(ctx);
        if (s.isEmpty()) return;
        Views.render(ctx, 200, template, provisioning.setup(ctx, s.get()));
    }
}
