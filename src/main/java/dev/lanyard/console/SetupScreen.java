package dev.lanyard.console;

import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import io.javalin.http.Context;

/**
 * Setup guides: what to paste where in Okta and in Microsoft Entra ID, mirroring the product guide's
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

    private final ProvisioningScreen provisioning;

    SetupScreen(ProvisioningScreen provisioning) {
        this.provisioning = provisioning;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, (ctx, s) -> show(ctx, s, "console/setup.jte"));
        routes.get(PATH + "/okta", Access.CONSOLE_ORGANIZATION, (ctx, s) -> show(ctx, s, "console/setup_okta.jte"));
        routes.get(PATH + "/entra", Access.CONSOLE_ORGANIZATION, (ctx, s) -> show(ctx, s, "console/setup_entra.jte"));
    }

    private void show(Context ctx, ConsoleSession s, String template) {
        Views.render(ctx, 200, template, provisioning.setup(ctx, s));
    }
}
